package org.dsvstudio.model;

import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The screen run on a TorchScript archive's code and pickles before libtorch sees them. */
class ModelCodeCheckTest {

    private static final String HEAD = "class M(Module):\n  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n";

    @Test
    void classifierCodeOfEveryKindWeShipOrTestPasses() {
        for (String f : new String[] {"torchscript/tiny_convnet.pt", "torchscript/tiny_bn_net.pt",
                "bad-inputs/good.pt", "bad-inputs/hangs.pt", "bad-inputs/eats-memory.pt"}) {
            assertDoesNotThrow(() -> ModelCodeCheck.check(TestSupport.resource(f)), f);
        }
    }

    @Test
    void fileAccessIsRefusedByName() {
        String problem = ModelCodeCheck.screen(HEAD + "    t = torch.from_file(\"/tmp/x\", True, 16)\n    return x\n");
        assertEquals("the operator torch.from_file reads or writes files", problem);
        assertEquals("the operator torch.save writes files", ModelCodeCheck.screen(HEAD + "    torch.save(x, \"f\")\n"));
    }

    @Test
    void operatorsOffTheAllowlistAreNamedAndCustomOnesCalledWhatTheyAre() {
        assertEquals("the operator torch.fft_rfft2", ModelCodeCheck.screen(HEAD + "    return torch.fft_rfft2(x)\n"));
        assertEquals("a custom C++ operator ops.my_lib.evil", ModelCodeCheck.screen(HEAD + "    return ops.my_lib.evil(x)\n"));
        assertEquals("a custom C++ class torch.classes.my.Thing",
                ModelCodeCheck.screen(HEAD + "    t = torch.classes.my.Thing()\n    return x\n"));
        assertEquals("prints", ModelCodeCheck.screen(HEAD + "    print(x)\n    return x\n").replaceAll(".* ", ""));
    }

    @Test
    void namesInsideStringsAndModulePathsAndMethodCallsAreNotOperators() {
        assertNull(ModelCodeCheck.screen(HEAD + "    _0 = \"torch.from_file(x)\"\n"
                + "    _1 = __torch__.torch.nn.functional.relu((self.conv).forward(x, ), False, )\n"
                + "    ops.prim.RaiseException(torch.format(\"print({})\", 1), \"builtins.ValueError\")\n"
                + "    return torch.flatten(torch.avg_pool2d(_1, [2, 2]), 1)\n"));
    }

    @Test
    void deepNestingAndHugeLiteralLoopsAreRefusedButComputedLoopsAndWhileLoopsPass() {
        String deep = "(".repeat(101) + "x" + ")".repeat(101);
        assertEquals("code nests brackets more than 100 levels deep", ModelCodeCheck.screen(HEAD + "    return " + deep + "\n"));
        assertNull(ModelCodeCheck.screen(HEAD + "    return " + "(".repeat(100) + "x" + ")".repeat(100) + "\n"));
        assertEquals("a loop over range(1099511627776)",
                ModelCodeCheck.screen(HEAD + "    for i in range(1099511627776):\n      x = torch.add(x, 1)\n"));
        assertNull(ModelCodeCheck.screen(HEAD + "    for i in range(torch.len(x)):\n      x = torch.add(x, 1)\n"
                + "    _0 = True\n    while _0:\n      _0 = torch.lt(torch.sum(x), 3)\n    return x\n"));
    }

    @Test
    void picklesDeeperThanTheLimitAreRefusedAndOrdinaryOnesMeasured() throws Exception {
        int n = 5000;
        byte[] deep = pickle("(".repeat(n) + ")" + "t".repeat(n));
        PickleDepth.Refused refused = assertThrows(PickleDepth.Refused.class, () -> PickleDepth.of(deep, 1000));
        assertEquals("objects nest more than 1000 levels deep", refused.getMessage());
        // [[1, 2], {'a': (3,)}] as Python's protocol 2 writes it (pickle.dumps(..., 2))
        byte[] mixed = hex("80025d7100285d7101284b014b02657d710258010000006171034b0385710473652e");
        assertEquals(3, PickleDepth.of(mixed, 1000));
        assertThrows(PickleDepth.Refused.class, () -> PickleDepth.of(hex("8002ff2e"), 1000));
        assertThrows(PickleDepth.Refused.class, () -> PickleDepth.of(hex("80025d71"), 1000));
    }

    @Test
    void aFileTheUserTrustsIsLetThroughAndOnlyThatFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.pt");
        writeArchive(bad, HEAD + "    return torch.fft_rfft2(x)\n");
        Path other = dir.resolve("other.pt");
        writeArchive(other, HEAD + "    return torch.fft_rfft2(x) \n");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelCodeCheck.check(bad));
        assertTrue(e.getMessage().startsWith("refused to run bad.pt: the operator torch.fft_rfft2 (in code/__torch__.py)"),
                e.getMessage());
        ModelCodeCheck.trust(bad);
        assertDoesNotThrow(() -> ModelCodeCheck.check(bad));
        assertThrows(ModelLoadException.class, () -> ModelCodeCheck.check(other));
    }

    private static void writeArchive(Path file, String code) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("m/code/__torch__.py"));
            zip.write(code.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("m/data.pkl"));
            zip.write(hex("80024e2e"));
        }
    }

    private static byte[] pickle(String ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex("8002"));
        out.writeBytes(ops.getBytes(StandardCharsets.ISO_8859_1));
        out.write('.');
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
