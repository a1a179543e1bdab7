package org.dsvstudio.report;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.graphics.state.PDExtendedGraphicsState;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paints figures as the pages of a PDF with Apache PDFBox: text and lines stay vectors, images are embedded
 * losslessly. Text uses DejaVu Sans where the system has it (embedded as a subset: λ, ≥ and names in most scripts
 * come out as written); without it, the standard Helvetica, which holds only Latin-1, and other characters are
 * spelled out (λ → "lambda") or shown as '?'.
 */
public final class PdfReport {

    private static final List<Path> FONT_DIRS = List.of(Path.of("/usr/share/fonts/truetype/dejavu"),
            Path.of("/usr/share/fonts/dejavu"), Path.of("/usr/share/fonts/TTF"),
            Path.of("/Library/Fonts"), Path.of(System.getProperty("user.home"), ".local/share/fonts"));

    private PdfReport() {
    }

    public static byte[] of(List<Figure> pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDFont regular = font(doc, "DejaVuSans.ttf", Standard14Fonts.FontName.HELVETICA);
            PDFont bold = font(doc, "DejaVuSans-Bold.ttf", Standard14Fonts.FontName.HELVETICA_BOLD);
            Map<java.awt.image.BufferedImage, PDImageXObject> images = new IdentityHashMap<>();
            for (Figure f : pages) {
                PDPage page = new PDPage(new PDRectangle((float) f.width(), (float) f.height()));
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    float h = (float) f.height();
                    s.setNonStrokingColor(new Color(f.background()));
                    s.addRect(0, 0, (float) f.width(), h);
                    s.fill();
                    for (Figure.Op op : f.ops()) {
                        paint(doc, s, op, h, regular, bold, images);
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    private static PDFont font(PDDocument doc, String file, Standard14Fonts.FontName fallback) throws IOException {
        for (Path dir : FONT_DIRS) {
            Path f = dir.resolve(file);
            if (Files.isRegularFile(f)) {
                return PDType0Font.load(doc, f.toFile());
            }
        }
        return new PDType1Font(fallback);
    }

    private static void paint(PDDocument doc, PDPageContentStream s, Figure.Op op, float h, PDFont regular, PDFont bold,
            Map<java.awt.image.BufferedImage, PDImageXObject> images) throws IOException {
        if (op instanceof Figure.Text t) {
            PDFont font = t.bold() ? bold : regular;
            s.beginText();
            s.setFont(font, (float) t.size());
            s.setNonStrokingColor(new Color(t.rgb()));
            s.newLineAtOffset((float) t.x(), h - (float) t.y());
            s.showText(printable(font, t.text()));
            s.endText();
        } else if (op instanceof Figure.Picture p) {
            PDImageXObject x = images.get(p.image());
            if (x == null) {
                x = LosslessFactory.createFromImage(doc, p.image());
                x.setInterpolate(false); // a DSV's pixels stay pixels when a viewer zooms
                images.put(p.image(), x);
            }
            float y = h - (float) (p.y() + p.h());
            s.drawImage(x, (float) p.x(), y, (float) p.w(), (float) p.h());
            if (p.fade() > 0) {
                s.saveGraphicsState();
                PDExtendedGraphicsState gs = new PDExtendedGraphicsState();
                gs.setNonStrokingAlphaConstant((float) p.fade());
                s.setGraphicsStateParameters(gs);
                s.setNonStrokingColor(Color.WHITE);
                s.addRect((float) p.x(), y, (float) p.w(), (float) p.h());
                s.fill();
                s.restoreGraphicsState();
            }
        } else if (op instanceof Figure.Box b) {
            float y = h - (float) (b.y() + b.h());
            if (b.fill() >= 0) {
                s.setNonStrokingColor(new Color(b.fill()));
                s.addRect((float) b.x(), y, (float) b.w(), (float) b.h());
                s.fill();
            }
            if (b.stroke() >= 0) {
                s.setStrokingColor(new Color(b.stroke()));
                s.setLineWidth((float) b.strokeWidth());
                s.addRect((float) b.x(), y, (float) b.w(), (float) b.h());
                s.stroke();
            }
        } else if (op instanceof Figure.Line l) {
            double[] xy = l.xy();
            if (xy.length < 4) {
                return;
            }
            s.setStrokingColor(new Color(l.rgb()));
            s.setLineWidth((float) l.width());
            s.setLineJoinStyle(1);
            s.moveTo((float) xy[0], h - (float) xy[1]);
            for (int i = 2; i + 1 < xy.length; i += 2) {
                s.lineTo((float) xy[i], h - (float) xy[i + 1]);
            }
            s.stroke();
        }
    }

    /** The text with what the font cannot show replaced: bidi controls dropped, λ spelled out, the rest '?'. */
    static String printable(PDFont font, String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.getType(c) == Character.FORMAT || Character.isISOControl(c)) {
                return;
            }
            String ch = new String(Character.toChars(c));
            if (canShow(font, ch)) {
                b.append(ch);
            } else if (c == 'λ' && canShow(font, "l")) {
                b.append("lambda");
            } else if (c == '≥') {
                b.append(">=");
            } else if (c == '⚠') {
                b.append("(!)");
            } else {
                b.append('?');
            }
        });
        return b.toString();
    }

    private static boolean canShow(PDFont font, String ch) {
        try {
            font.encode(ch); // throws when the font has no glyph for it
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
