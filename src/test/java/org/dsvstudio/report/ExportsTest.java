package org.dsvstudio.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.cli.CliTest;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.session.RunFolder;
import org.dsvstudio.session.SavedRun;
import org.dsvstudio.session.SessionFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code export} of a real run (ConvNet sample, 30 steps, one DSV per class) and of a two-run session in every
 * format: each file decodes with an independent reader, and the report says what the run holds.
 */
class ExportsTest {

    @TempDir
    static Path dir;
    private static Path run;
    private static SavedRun saved;

    @BeforeAll
    static void aRun() throws Exception {
        run = dir.resolve("run");
        CliTest.Result r = CliTest.run("generate", TestSupport.sampleModel("convnet-fashion").toString(),
                "--per-class", "1", "--steps", "30", "--seed", "3", "--out", run.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        saved = RunFolder.read(run);
    }

    private static Path export(String name, String... args) {
        Path out = dir.resolve(name);
        String[] all = new String[args.length + 4];
        all[0] = "export";
        all[1] = run.toString();
        all[2] = "--out";
        all[3] = out.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        CliTest.Result r = CliTest.run(all);
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    @Test
    void pngAtSlideSizeDecodesAndIsWiderThanTall() throws Exception {
        BufferedImage png = ImageIO.read(export("slide.png", "--format", "png", "--layout", "columns",
                "--image-size", "110").toFile());
        assertTrue(png.getWidth() >= 1920, "at the default scale 2 a ten-class slide is at least 1920 px wide");
        assertTrue(png.getWidth() > png.getHeight());
        BufferedImage losses = ImageIO.read(export("losses.png", "--format", "png", "--figure", "losses",
                "--scale", "1").toFile());
        assertTrue(losses.getWidth() > 600);
    }

    @Test
    void svgParsesAsXmlAndHoldsEveryDsvAndEveryClassName() throws Exception {
        Path svg = export("gallery.svg", "--format", "svg", "--dark");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(saved.result().candidates().size(), doc.getElementsByTagName("image").getLength());
        String text = doc.getDocumentElement().getTextContent();
        for (String name : saved.card().classNames()) {
            assertTrue(text.contains(name), name);
        }
    }

    @Test
    void htmlIsSelfContainedAndSaysWhatTheRunHolds() throws Exception {
        String html = Files.readString(export("report.html", "--format", "html", "--title", "My report"),
                StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("http://") || html.contains("https://"), "no links out");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("src=\""), "nothing loaded");
        Matcher images = Pattern.compile("href=\"data:image/png;base64,").matcher(html);
        int n = 0;
        while (images.find()) {
            n++;
        }
        assertEquals(saved.result().candidates().size(), n, "every DSV inline, once");
        assertTrue(html.contains("<title>My report</title>"));
        assertTrue(html.contains(saved.provenance().modelSha256()));
        assertTrue(html.contains("<td>" + saved.result().seed() + "</td>"));
        for (Candidate c : saved.result().candidates()) {
            assertTrue(html.contains("<td>" + String.format(Locale.ROOT, "%.4g", c.lambda()) + "</td>"), "λ of " + c);
        }
        assertTrue(html.contains(String.format(Locale.ROOT, "%d of %d candidates", saved.result().kept().size(),
                saved.result().candidates().size())));
    }

    @Test
    void pdfOfATwoRunSessionOpensWithTheExpectedPagesAndText() throws Exception {
        Path session = dir.resolve("two.dsv");
        SavedRun second = new SavedRun("second run", saved.result(), saved.card(), saved.provenance(), true);
        SessionFile.write(session, new SessionFile.Session(null, List.of(saved, second)));
        Path pdf = dir.resolve("report.pdf");
        CliTest.Result r = CliTest.run("export", session.toString(), "--format", "pdf", "--out", pdf.toString());
        assertEquals(0, r.exit(), r.err());
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertEquals(ReportPages.pageCount(List.of(saved, second)), doc.getNumberOfPages());
            assertEquals(6, doc.getNumberOfPages(), "facts, gallery and DSV table per run");
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("second run"));
            assertTrue(text.contains("Every DSV of"));
            for (String name : saved.card().classNames()) {
                assertTrue(text.contains(name), name);
            }
        }
    }

    @Test
    void aRunFolderBecomesASessionTheAppOpens() throws Exception {
        SessionFile.Session s = SessionFile.read(export("run.dsv", "--format", "dsv"));
        assertEquals(1, s.runs().size());
        List<Candidate> a = saved.result().candidates();
        List<Candidate> b = s.runs().get(0).result().candidates();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).lambda(), b.get(i).lambda());
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i).image01(), b.get(i).image01());
        }
    }

    /** The saliency overlay: drawn from the model that made the run, refused from another. */
    @Test
    void aSaliencyOverlayComesFromTheModelThatMadeTheRun() throws Exception {
        BufferedImage plain = ImageIO.read(export("plain.png", "--format", "png", "--scale", "1").toFile());
        BufferedImage overlaid = ImageIO.read(export("saliency.png", "--format", "png", "--scale", "1", "--saliency",
                TestSupport.sampleModel("convnet-fashion").toString()).toFile());
        assertEquals(plain.getWidth(), overlaid.getWidth());
        int coloured = 0;
        for (int y = 0; y < overlaid.getHeight(); y += 2) {
            for (int x = 0; x < overlaid.getWidth(); x += 2) {
                int p = overlaid.getRGB(x, y);
                int r = p >> 16 & 0xff;
                int b = p & 0xff;
                coloured += Math.abs(r - b) > 60 && plain.getRGB(x, y) != p ? 1 : 0;
            }
        }
        assertTrue(coloured > 100, "red and blue over the DSVs: " + coloured + " pixels");
        CliTest.Result r = CliTest.run("export", run.toString(), "--format", "png", "--saliency",
                TestSupport.sampleModel("resnet-fashion").toString(), "--out", dir.resolve("x.png").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("is not the model that made the run"), r.err());
    }

    /** The paper's checks measured by faithfulness go into the report and into a session with the run. */
    @Test
    void aFaithfulnessReportIsShownInTheReportAndKeptInASession() throws Exception {
        Path faith = dir.resolve("faithfulness.json");
        CliTest.Result r = CliTest.run("faithfulness", TestSupport.sampleModel("convnet-fashion").toString(), "--data",
                TestSupport.realData("fashion-mnist").toString(), "--dsvs", run.toString(), "--lambda-images", "3",
                "--margin-images", "20", "--out", faith.toString());
        assertEquals(0, r.exit(), r.err());
        double rho = new com.fasterxml.jackson.databind.ObjectMapper().readTree(faith.toFile()).path("lambda")
                .path("pearson").asDouble();
        String html = Files.readString(export("measured.html", "--format", "html", "--faithfulness", faith.toString()));
        assertTrue(html.contains("<h3>Faithfulness</h3>"));
        assertTrue(html.contains(String.format(Locale.ROOT, "Pearson ρ = %.2f", rho)), html);
        Path dsv = export("measured.dsv", "--format", "dsv", "--faithfulness", faith.toString());
        assertEquals(rho, SessionFile.read(dsv).runs().get(0).faithfulness().lambda().pearson(), 1e-12);
        r = CliTest.run("export", run.toString(), "--format", "html", "--faithfulness", run.resolve("dsvs.json")
                .toString(), "--out", dir.resolve("wrong.html").toString());
        assertEquals(2, r.exit(), "a run's dsvs.json is not a faithfulness report");
    }

    @Test
    void badRequestsGetOneLineAndExitTwo() throws Exception {
        Path notRun = Files.createDirectories(dir.resolve("not-a-run"));
        CliTest.Result r = CliTest.run("export", notRun.toString(), "--format", "png", "--out",
                dir.resolve("x.png").toString());
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: " + notRun + ": no dsvs.json (expected a folder written by generate or the"
                + " app's export)", r.err().strip());
        r = CliTest.run("export", run.toString(), "--format", "gif", "--out", dir.resolve("x.gif").toString());
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: --format must be one of png, svg, pdf, html, json, dsv, got 'gif'", r.err().strip());
        r = CliTest.run("export", run.toString(), "--format", "png", "--out", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().startsWith("dsv-studio: error: --out " + dir + " is a folder"), r.err());
        r = CliTest.run("export", run.toString(), "--format", "png", "--classes", "Cat", "--out",
                dir.resolve("y.png").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--classes: no class 'Cat' in the run"), r.err());
    }
}
