package org.dsvstudio.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The charts as vector figures: they parse, name what they show and put the numbers where they belong. */
class ChartFiguresTest {

    private static org.w3c.dom.Document svg(Figure f) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(f.toSvg().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void thePathDrawsTheClassesThatLeadAndMarksTheCrossing() throws Exception {
        double[] t = {0, 0.25, 0.5, 0.75, 1};
        double[][] p = {{0.9, 0.05, 0.05}, {0.7, 0.2, 0.1}, {0.4, 0.5, 0.1}, {0.2, 0.7, 0.1}, {0.1, 0.85, 0.05}};
        Figure f = ChartFigures.path(t, p, List.of("cat", "dog", "cow"), new double[] {0.45}, "P to Q");
        org.w3c.dom.Document doc = svg(f);
        // two leading classes (cat, dog): a curve and a legend line each, and the crossing's marker
        assertEquals(2 * 2 + 1, doc.getElementsByTagName("polyline").getLength());
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("cat") && text.contains("dog") && !text.contains("cow"), text);
        // the curve of "cat" starts at 0.9: y = top + h·(1 − 0.9)
        org.w3c.dom.Element cat = (org.w3c.dom.Element) doc.getElementsByTagName("polyline").item(0);
        String first = cat.getAttribute("points").split(" ")[0];
        assertEquals(40 + 240 * 0.1, Double.parseDouble(first.split(",")[1]), 0.01);
    }

    @Test
    void theMarginsLegendGivesEachGroupsMedian() throws Exception {
        double[] dsv = {0.5, 1.5, 2.5, Double.POSITIVE_INFINITY};
        double[] real = {3, 4, 5, 6};
        String text = svg(ChartFigures.margins(dsv, real, "fashion-mnist test")).getDocumentElement().getTextContent();
        assertTrue(text.contains("DSVs (4, median 1.50)"), text); // the unreached one is left out of the median
        assertTrue(text.contains("real images (4, median 4.50)"), text);
    }

    @Test
    void theConfusionMatrixPrintsEveryCountAndOpensAsPdf() throws Exception {
        int[][] counts = {{3, 1}, {0, 4}};
        Figure f = ChartFigures.confusion(counts, List.of("Trouser", "Ankle boot"), "judge on the DSVs");
        String text = svg(f).getDocumentElement().getTextContent();
        assertTrue(text.contains("3") && text.contains("1") && text.contains("4") && text.contains("Ankle boot"));
        try (PDDocument pdf = Loader.loadPDF(PdfReport.of(List.of(f)))) {
            assertEquals(1, pdf.getNumberOfPages());
            assertTrue(new PDFTextStripper().getText(pdf).contains("Ankle boot"));
        }
    }
}
