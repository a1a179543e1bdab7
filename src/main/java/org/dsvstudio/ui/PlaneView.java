package org.dsvstudio.ui;

import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import org.dsvstudio.explain.DecisionPlane;

/**
 * A square view onto the decision plane: shows a rendered grid (computed for its own window) placed and scaled
 * for the view's window, so after a zoom or pan the old, coarse image stays visible, stretched and shifted to
 * where it belongs, until the recomputed one replaces it. Converts between view pixels and plane coordinates.
 */
final class PlaneView extends Region {

    private final ImageView image = new ImageView();
    private final Rectangle clip = new Rectangle();
    private DecisionPlane.Window imageWindow;
    private DecisionPlane.Window view;

    PlaneView() {
        setId("planeView");
        getStyleClass().add("plane-view");
        image.setSmooth(true);
        image.setPreserveRatio(false);
        getChildren().add(image);
        setClip(clip);
        setMinSize(200, 200);
        setPrefSize(520, 520);
    }

    /** The rendered grid and the window it covers. */
    void setImage(Image rendered, DecisionPlane.Window window) {
        image.setImage(rendered);
        imageWindow = window;
        requestLayout();
    }

    /** The window the view shows now. */
    void setView(DecisionPlane.Window window) {
        view = window;
        requestLayout();
    }

    /** The window of the image shown now (null before the first one). */
    DecisionPlane.Window imageWindow() {
        return image.getImage() == null ? null : imageWindow;
    }

    DecisionPlane.Window view() {
        return view;
    }

    /** Side of the square the plane is drawn in (the largest that fits). */
    double side() {
        return Math.max(1, Math.min(getWidth(), getHeight()));
    }

    private double offsetX() {
        return (getWidth() - side()) / 2;
    }

    private double offsetY() {
        return (getHeight() - side()) / 2;
    }

    /** Plane coordinates (u, v) of the view pixel (x, y), or null without a window. */
    double[] toPlane(double x, double y) {
        if (view == null) {
            return null;
        }
        double s = side();
        double u = view.uMin() + (x - offsetX()) / s * 2 * view.halfSize();
        double v = view.vMax() - (y - offsetY()) / s * 2 * view.halfSize();
        return new double[] {u, v};
    }

    /** The view pixel of plane point (u, v), or null without a window. */
    double[] toView(double u, double v) {
        if (view == null) {
            return null;
        }
        double s = side();
        return new double[] {offsetX() + (u - view.uMin()) / (2 * view.halfSize()) * s,
            offsetY() + (view.vMax() - v) / (2 * view.halfSize()) * s};
    }

    /** Plane units per view pixel. */
    double unitsPerPixel() {
        return view == null ? 0 : 2 * view.halfSize() / side();
    }

    @Override
    protected void layoutChildren() {
        double s = side();
        clip.setX(offsetX());
        clip.setY(offsetY());
        clip.setWidth(s);
        clip.setHeight(s);
        if (imageWindow == null || view == null || image.getImage() == null) {
            image.setVisible(false);
            return;
        }
        image.setVisible(true);
        double size = s * imageWindow.halfSize() / view.halfSize();
        double[] topLeft = toView(imageWindow.uMin(), imageWindow.vMax());
        image.setFitWidth(size);
        image.setFitHeight(size);
        image.relocate(topLeft[0], topLeft[1]);
    }
}
