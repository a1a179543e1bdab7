package org.dsvstudio.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A laid-out figure: a size in points and a list of drawing operations (text, images, rectangles, lines). Laid
 * out once, painted by three back ends — a PNG at any scale, SVG (vector text and lines, images embedded), and
 * PDF ({@link PdfReport}) — so the exports of one view cannot differ in what they show.
 */
public final class Figure {

    /** Drawing operations; coordinates in points from the top left, colours as 0xRRGGBB. */
    public sealed interface Op permits Text, Picture, Box, Line {
    }

    /** One line of text, its baseline at y. */
    public record Text(double x, double y, String text, double size, boolean bold, int rgb) implements Op {
    }

    /** An image drawn into a w×h box without smoothing (DSVs are small: their pixels should stay visible). */
    public record Picture(double x, double y, double w, double h, BufferedImage image, double fade) implements Op {
    }

    /** A rectangle, filled (fill ≥ 0) and/or outlined (stroke ≥ 0). */
    public record Box(double x, double y, double w, double h, int fill, int stroke, double strokeWidth) implements Op {
    }

    /** A polyline through the points (x0, y0, x1, y1, …). */
    public record Line(double[] xy, int rgb, double width) implements Op {
    }

    private final double width;
    private final double height;
    private final int background;
    private final List<Op> ops;

    Figure(double width, double height, int background, List<Op> ops) {
        this.width = width;
        this.height = height;
        this.background = background;
        this.ops = List.copyOf(ops);
    }

    public double width() {
        return width;
    }

    public double height() {
        return height;
    }

    public int background() {
        return background;
    }

    public List<Op> ops() {
        return ops;
    }

    /** Fonts of every back end: the PNG's AWT font is also what text is measured with when laying out. */
    static Font font(double size, boolean bold) {
        return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
    }

    private static final BufferedImage MEASURE = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);

    static double textWidth(String text, double size, boolean bold) {
        Graphics2D g = MEASURE.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            FontMetrics fm = g.getFontMetrics(font(size, bold));
            return fm.getStringBounds(text, g).getWidth();
        } finally {
            g.dispose();
        }
    }

    /** Splits text into lines no wider than {@code max} points, at spaces where it can, else inside a word. */
    static List<String> wrap(String text, double size, boolean bold, double max) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (textWidth(candidate, size, bold) <= max) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            String rest = word;
            while (textWidth(rest, size, bold) > max && rest.length() > 1) {
                int cut = rest.length() - 1;
                while (cut > 1 && textWidth(rest.substring(0, cut), size, bold) > max) {
                    cut--;
                }
                lines.add(rest.substring(0, cut));
                rest = rest.substring(cut);
            }
            line.append(rest);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The figure as pixels, {@code scale} pixels per point (2 for a slide or a high-DPI screen). */
    public BufferedImage toImage(double scale) {
        int w = (int) Math.ceil(width * scale);
        int h = (int) Math.ceil(height * scale);
        if ((long) w * h > 200_000_000L) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a %d×%d image is too large to draw;"
                    + " choose a smaller scale or fewer DSVs", w, h));
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(new Color(background));
            g.fillRect(0, 0, w, h);
            g.scale(scale, scale);
            for (Op op : ops) {
                paint(g, op);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void paint(Graphics2D g, Op op) {
        if (op instanceof Text t) {
            g.setColor(new Color(t.rgb()));
            g.setFont(font(t.size(), t.bold()));
            g.drawString(t.text(), (float) t.x(), (float) t.y());
        } else if (op instanceof Picture p) {
            g.drawImage(p.image(), (int) Math.round(p.x()), (int) Math.round(p.y()), (int) Math.round(p.w()),
                    (int) Math.round(p.h()), null);
            if (p.fade() > 0) {
                g.setColor(new Color(255, 255, 255, (int) Math.round(255 * p.fade())));
                g.fill(new java.awt.geom.Rectangle2D.Double(p.x(), p.y(), p.w(), p.h()));
            }
        } else if (op instanceof Box b) {
            java.awt.geom.Rectangle2D.Double r = new java.awt.geom.Rectangle2D.Double(b.x(), b.y(), b.w(), b.h());
            if (b.fill() >= 0) {
                g.setColor(new Color(b.fill()));
                g.fill(r);
            }
            if (b.stroke() >= 0) {
                g.setColor(new Color(b.stroke()));
                g.setStroke(new BasicStroke((float) b.strokeWidth()));
                g.draw(r);
            }
        } else if (op instanceof Line l) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i + 1 < l.xy().length; i += 2) {
                if (i == 0) {
                    path.moveTo(l.xy()[0], l.xy()[1]);
                } else {
                    path.lineTo(l.xy()[i], l.xy()[i + 1]);
                }
            }
            g.setColor(new Color(l.rgb()));
            g.setStroke(new BasicStroke((float) l.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
        }
    }

    public byte[] toPng(double scale) {
        return png(toImage(scale));
    }

    static byte[] png(BufferedImage image) {
        ImageIO.setUseCache(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IOException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The figure as a standalone SVG document: text and lines as vectors, images as embedded PNGs. */
    public String toSvg() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.1f\" height=\"%.1f\""
                + " viewBox=\"0 0 %.1f %.1f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">%n", width,
                height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>%n", hex(background)));
        for (Op op : ops) {
            if (op instanceof Text t) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\"%s fill=\"%s\">%s"
                        + "</text>%n", t.x(), t.y(), t.size(), t.bold() ? " font-weight=\"bold\"" : "", hex(t.rgb()),
                        xml(t.text())));
            } else if (op instanceof Picture p) {
                s.append(String.format(Locale.ROOT, "<image x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                        + " preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\""
                        + " href=\"data:image/png;base64,%s\"/>%n", p.x(), p.y(), p.w(), p.h(),
                        Base64.getEncoder().encodeToString(png(p.image()))));
                if (p.fade() > 0) {
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                            + " fill=\"#ffffff\" fill-opacity=\"%.2f\"/>%n", p.x(), p.y(), p.w(), p.h(), p.fade()));
                }
            } else if (op instanceof Box b) {
                s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                        + " fill=\"%s\" stroke=\"%s\" stroke-width=\"%.2f\"/>%n", b.x(), b.y(), b.w(), b.h(),
                        b.fill() >= 0 ? hex(b.fill()) : "none", b.stroke() >= 0 ? hex(b.stroke()) : "none",
                        b.strokeWidth()));
            } else if (op instanceof Line l) {
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i + 1 < l.xy().length; i += 2) {
                    pts.append(String.format(Locale.ROOT, "%.2f,%.2f ", l.xy()[i], l.xy()[i + 1]));
                }
                s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                        + " stroke-width=\"%.2f\" stroke-linejoin=\"round\"/>%n", pts.toString().strip(),
                        hex(l.rgb()), l.width()));
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xffffff);
    }

    /** Text for XML content and attributes; characters XML 1.0 cannot hold at all become U+FFFD. */
    static String xml(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
                    b.appendCodePoint(allowed ? c : 0xFFFD);
                }
            }
        });
        return b.toString();
    }
}
