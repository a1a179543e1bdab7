package org.dsvstudio.worker;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The wire format between the app and its compute worker ({@code dsv-studio worker}): one JSON object per line,
 * UTF-8, requests on the worker's stdin, replies on its stdout; the worker's stderr is its log. Every message
 * is a {@link Message}. docs/worker-protocol.md lists the operations and replies.
 *
 * <p>Images and other float arrays travel as base64 of their little-endian IEEE bits instead of decimal text:
 * exact, a third of the size, and parsed without a number parser (a progress snapshot of 30 candidates of
 * 28×28 is ~125 kB). A reader also accepts a plain JSON array of numbers.
 */
public final class Protocol {

    /** The protocol's version, in the worker's {@code ready} message; the app refuses a worker with another. */
    public static final int VERSION = 1;

    // requests (app → worker)
    public static final String OPEN = "open";
    public static final String PROBE = "probe";
    public static final String GENERATE = "generate";
    public static final String PLANE = "plane";
    public static final String PATH = "path";
    public static final String MARGINS = "margins";
    public static final String PREPARE_EXPLAIN = "prepare-explain";
    public static final String EXPLAIN = "explain";
    public static final String OPEN_SECOND = "open-second";
    public static final String COMPARE = "compare";
    public static final String JUDGE = "judge";
    public static final String TEACH = "teach";
    public static final String CANCEL = "cancel";
    public static final String PING = "ping";
    public static final String SHUTDOWN = "shutdown";
    // replies (worker → app)
    public static final String READY = "ready";
    public static final String STARTED = "started";
    public static final String PROGRESS = "progress";
    public static final String REQUEST = "request";
    public static final String RESULT = "result";
    public static final String ERROR = "error";

    /**
     * One line of the protocol.
     *
     * @param id the request it belongs to (chosen by the app, echoed by every reply; 0 for {@code ready})
     * @param kind a request's operation or a reply's type (the constants above)
     * @param body the operation's arguments or the reply's content; may be null
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Message(long id, String kind, JsonNode body) {
    }

    /** The body of a {@link #PROGRESS} event of a computation that only reports how far it is. */
    public record Fraction(double fraction) {
    }

    /** Why a request failed; {@code category} tells the app how to present it. */
    public record Failure(Category category, String message) {
    }

    /** What kind of failure: the user's input, a model's behaviour, a cancellation, or a bug of ours. */
    public enum Category {
        /** A bad model, card, data folder or setting: the message is for the user as it stands. */
        INPUT,
        /** The request was cancelled before it produced anything. */
        CANCELLED,
        /** The worker ran out of the memory it may use. */
        MEMORY,
        /** Anything else (a bug): the message carries the exception. */
        INTERNAL
    }

    private static final ObjectMapper MAPPER = build();

    private Protocol() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A message as one line (no line breaks inside: JSON escapes them in strings). */
    public static String write(Message m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a " + m.kind() + " message: " + e.getMessage(), e);
        }
    }

    public static Message read(String line) throws IOException {
        Message m = MAPPER.readValue(line, Message.class);
        if (m.kind() == null) {
            throw new IOException("a message without its kind: " + (line.length() > 80 ? line.substring(0, 80) + "…"
                    : line));
        }
        return m.body() != null && m.body().isNull() ? new Message(m.id(), m.kind(), null) : m;
    }

    public static Message message(long id, String kind, Object body) {
        return new Message(id, kind, body == null ? null : MAPPER.valueToTree(body));
    }

    public static <T> T body(Message m, Class<T> type) throws IOException {
        return MAPPER.treeToValue(m.body(), type);
    }

    /** A JSON object body built field by field. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Builds and caches the mapper's serializers and deserializers for every request and reply body, so that the
     * first call of each kind (e.g. on the UI thread) does not pay for the reflection.
     */
    static void prepare() {
        Class<?>[] types = {Message.class, Failure.class, Fraction.class, WorkerServer.OpenRequest.class,
                WorkerServer.GenerateRequest.class, WorkerServer.PlaneRequest.class, WorkerServer.PathRequest.class,
                WorkerServer.MarginsRequest.class, WorkerServer.ExplainRequest.class,
                WorkerServer.CompareRequest.class, WorkerServer.JudgeRequest.class,
                org.dsvstudio.evidence.Legibility.Report.class, org.dsvstudio.app.Workbench.ModelSummary.class,
                org.dsvstudio.kkt.KktProgress.class, org.dsvstudio.kkt.KktRequest.class,
                org.dsvstudio.kkt.KktResult.class, org.dsvstudio.explain.DecisionPlane.Result.class,
                org.dsvstudio.explain.DecisionPath.Result.class, org.dsvstudio.app.Saliency.Prepared.class,
                org.dsvstudio.app.Saliency.MapResult.class, org.dsvstudio.app.ModelComparison.Result.class};
        for (Class<?> t : types) {
            MAPPER.canSerialize(t);
            MAPPER.canDeserialize(MAPPER.constructType(t));
        }
    }

    private static ObjectMapper build() {
        SimpleModule floats = new SimpleModule("dsv-floats");
        floats.addSerializer(float[].class, new FloatsOut());
        floats.addDeserializer(float[].class, new FloatsIn());
        return new ObjectMapper().registerModule(floats)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    }

    static String encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length % 4 != 0) {
            throw new IllegalArgumentException("a float array of " + bytes.length + " bytes");
        }
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static final class FloatsOut extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(encode(value));
        }
    }

    private static final class FloatsIn extends JsonDeserializer<float[]> {
        @Override
        public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                try {
                    return decode(p.getText());
                } catch (IllegalArgumentException e) {
                    throw ctxt.weirdStringException(p.getText(), float[].class, e.getMessage());
                }
            }
            double[] d = ctxt.readValue(p, double[].class);
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
    }
}
