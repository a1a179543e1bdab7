package org.dsvstudio.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.dsvstudio.app.SampleModels;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.worker.WorkerLaunch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main window: models on the left (samples, recent, open, attached data), tabs in the middle (the model's
 * card, the run settings with the live view, the gallery), the job queue on the right, status at the bottom.
 */
public final class MainWindow {

    private final UiPreferences prefs;
    private final MainViewModel model;
    private final ListView<SampleModels.Sample> sampleList;
    private final GridPane details = new GridPane();
    private final Label title = new Label("No model loaded");
    private final TabPane tabs = new TabPane();
    private GalleryTab gallery;
    private SessionViewModel session;
    /** The side panels while hidden (presenter mode). */
    private javafx.scene.Node hiddenLeft;
    private javafx.scene.Node hiddenRight;
    private Tab runTab;

    /** One tab: its title, node id, View-menu shortcut (null: none) and content. */
    private record TabSpec(String title, String id, String shortcut, javafx.scene.Node content) {
    }

    private Tab tab(String id) {
        return tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }
    private Stage stage;
    private String lastNotification;
    private int errorNotifications;

    public MainWindow() {
        this(new UiPreferences());
    }

    public MainWindow(UiPreferences prefs) {
        this.prefs = prefs;
        model = new MainViewModel(DeviceChoice.parse(System.getProperty("dsv.device", "auto")), prefs);
        sampleList = new ListView<>(model.samples());
    }

    /** The window's state (tests drive it through this). */
    public MainViewModel viewModel() {
        return model;
    }

    /** Sessions, opened runs and reports (tests drive it through this). */
    public SessionViewModel session() {
        return session;
    }

    public void show(Stage stage) {
        this.stage = stage;
        BorderPane root = new BorderPane();
        root.setId("root");
        root.setLeft(buildModelPanel());
        gallery = new GalleryTab(model, this::notifyError);
        session = new SessionViewModel(model, this::notifyError);
        // right-click → Add to report on any view of this window goes to this window's session
        root.getProperties().put(ViewExport.REPORT_SINK, (java.util.function.BiConsumer<String, byte[]>)
                session::addFigure);
        explainTab = new ExplainTab(model.explain());
        ScrollPane runScroll = new ScrollPane(new RunPanel(model));
        runScroll.setFitToWidth(true);
        // the tabs, in order, as data: the tab pane and the View menu are both made from this list
        List<TabSpec> specs = List.of(new TabSpec("Model", "tabModel", "Ctrl+1", buildDetails()),
                new TabSpec("Run", "tabRun", "Ctrl+2", runScroll),
                new TabSpec("Gallery", "tabGallery", "Ctrl+3", gallery),
                new TabSpec("Boundaries", "tabBoundaries", "Ctrl+B", new BoundaryTab(model, this::notifyError)),
                new TabSpec("Explain", "tabExplain", null, explainTab),
                new TabSpec("Compare", "tabCompare", null, new CompareTab(model)),
                new TabSpec("Teach", "tabTeach", "Ctrl+L", new TeachTab(model.teach())));
        for (TabSpec spec : specs) {
            Tab tab = new Tab(spec.title(), spec.content());
            tab.setId(spec.id());
            tabs.getTabs().add(tab);
        }
        runTab = tab("tabRun");
        root.setTop(buildMenu(specs));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        root.setCenter(tabs);
        root.setRight(new JobsPanel(model.jobs()));
        root.setBottom(buildStatusBar());

        double[] bounds = visibleBounds(prefs.windowBounds());
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        // first start: large enough for the three panes, never larger than the screen
        Scene scene = new Scene(root, bounds == null ? Math.min(1560, screen.getWidth() * 0.95) : bounds[2],
                bounds == null ? Math.min(980, screen.getHeight() * 0.92) : bounds[3]);
        scene.getStylesheets().add(css("studio.css"));
        scene.getStylesheets().add(css("gallery.css"));
        applyTheme(root, prefs.darkTheme());
        if (prefs.highContrast()) {
            root.getStyleClass().add("high-contrast");
        }
        stage.setTitle("DSV Studio");
        if (prefs.uiFontSize() > 0) {
            applyFontSize(root, prefs.uiFontSize()); // the presenter zoom of the last session
        }
        // the session's name in the title bar, so a user sees which file Save writes to
        session.fileProperty().addListener((obs, was, now) -> stage.setTitle(now == null ? "DSV Studio"
                : now.getFileName() + " — DSV Studio"));
        try (java.io.InputStream icon = MainWindow.class.getResourceAsStream("icon.png")) {
            if (icon != null) {
                stage.getIcons().add(new javafx.scene.image.Image(icon));
            }
        } catch (java.io.IOException e) {
            // a window without an icon is still a window
        }
        stage.setScene(scene);
        if (bounds != null) {
            stage.setX(bounds[0]);
            stage.setY(bounds[1]);
        }
        stage.setMaximized(prefs.windowMaximized());
        stage.setOnCloseRequest(e -> {
            prefs.saveWindow(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized());
            model.shutdown();
            session.close();
        });
        enableDragAndDrop(scene);
        // Esc cancels the selected run wherever the focus is: a list or combo box would eat it before the menu's
        // accelerator sees it (an open drop-down still closes first)
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != KeyCode.ESCAPE || scene.getFocusOwner() instanceof javafx.scene.control.ComboBoxBase<?>
                    && ((javafx.scene.control.ComboBoxBase<?>) scene.getFocusOwner()).isShowing()) {
                return;
            }
            JobViewModel job = model.jobs().selectedProperty().get();
            if (job != null && job.isActive()) {
                job.cancel();
                e.consume();
            }
        });
        scene.getStylesheets().add(css("explain.css"));
        gallery.setOnExplain((card, c) -> {
            model.explain().showImage("DSV #" + c.index() + " · " + card.classNames().get(c.targetClass()),
                    c.image01(), card);
            tabs.getSelectionModel().select(tab("tabExplain"));
        });

        model.loadedProperty().addListener((obs, old, summary) -> showSummary(summary));
        model.errorProperty().addListener((obs, old, message) -> {
            if (message != null) {
                notifyError(model.errorTitle(), message);
                model.errorProperty().set(null);
            }
        });
        model.noticeProperty().addListener((obs, old, message) -> {
            if (message != null) {
                notifyInfo(message);
                model.noticeProperty().set(null);
            }
        });
        model.refusedProperty().addListener((obs, old, refusal) -> {
            if (refusal != null) {
                model.refusedProperty().set(null);
                askToOpenAnyway(refusal);
            }
        });
        // Selecting a sample opens it; a new job brings the Run tab forward, a finished one fills the gallery.
        sampleList.getSelectionModel().selectedItemProperty().addListener((obs, old, sample) -> {
            if (sample != null) {
                model.open(sample.folder());
            }
        });
        model.jobs().jobs().addListener((javafx.collections.ListChangeListener<JobViewModel>) c -> {
            while (c.next()) {
                for (JobViewModel job : c.getAddedSubList()) {
                    tabs.getSelectionModel().select(runTab);
                    job.errorProperty().addListener((o, was, message) -> {
                        if (message != null) {
                            notifyError("Run " + job.number() + " failed", message);
                        }
                    });
                    job.stateProperty().addListener((o, was, state) -> {
                        if (state == JobViewModel.State.STOPPED) {
                            notifyError("Run " + job.number() + " stopped early",
                                    job.statusProperty().get() + " — its last finite state is in the gallery.");
                        }
                    });
                }
            }
        });
        stage.show();
        model.startEngine();
        if (!model.samples().isEmpty()) {
            sampleList.getSelectionModel().selectFirst();
        }
        // pick up where the user left off: the data folder of the last session, read in the background
        Path lastData = prefs.lastDataFolder();
        if (lastData != null && Files.isDirectory(lastData)) {
            model.attachData(lastData);
        }
        offerRecovery();
    }

    /** After a crash: the runs the dead window had autosaved, offered once (the file stays until recovered). */
    private void offerRecovery() {
        List<Path> orphans = session.recoverable();
        if (orphans.isEmpty()) {
            return;
        }
        Path newest = orphans.get(0);
        String when = "";
        try {
            when = " at " + java.time.format.DateTimeFormatter.ofPattern("HH:mm, d MMM").format(
                    Files.getLastModifiedTime(newest).toInstant().atZone(java.time.ZoneId.systemDefault()));
        } catch (java.io.IOException e) {
            // the time is a courtesy
        }
        String text = "The last session did not close properly. Its finished runs were autosaved" + when
                + ": File → Recover autosaved runs opens them.";
        javafx.application.Platform.runLater(() -> Notifications.create().owner(stage).title("Recover the last session?")
                .text(wrap(text, 56))
                .hideAfter(Duration.seconds(60)).position(Pos.BOTTOM_RIGHT).showInformation());
    }

    private static String css(String name) {
        return MainWindow.class.getResource("/org/dsvstudio/ui/" + name).toExternalForm();
    }

    /** Saved bounds only when they still fit on a screen (a monitor may have gone since). */
    private static double[] visibleBounds(double[] saved) {
        if (saved == null) {
            return null;
        }
        Rectangle2D r = new Rectangle2D(saved[0], saved[1], saved[2], saved[3]);
        boolean visible = Screen.getScreens().stream().anyMatch(s -> s.getVisualBounds().intersects(r));
        return visible && saved[2] >= 600 && saved[3] >= 400 ? saved : null;
    }

    private MenuBar buildMenu(List<TabSpec> specs) {
        MenuItem openFolder = item("Open model folder…", "Ctrl+O", e -> chooseModelFolder());
        MenuItem openPt = item("Open TorchScript .pt…", "Ctrl+Alt+O", e -> choosePt());
        Menu recent = new Menu("Open recent");
        recent.setId("menuRecent");
        Runnable fillRecent = () -> {
            recent.getItems().clear();
            for (Path p : model.recent()) {
                MenuItem m = new MenuItem(p.toString());
                m.setMnemonicParsing(false);
                m.setOnAction(e -> openPath(p));
                recent.getItems().add(m);
            }
            recent.setDisable(recent.getItems().isEmpty());
        };
        fillRecent.run();
        model.recent().addListener((javafx.collections.ListChangeListener<Path>) c -> fillRecent.run());
        MenuItem attach = item("Attach data folder…", "Ctrl+D", e -> chooseData());
        MenuItem export = item("Export run folder…", "Ctrl+E", e -> gallery.export(stage));
        MenuItem openSession = item("Open session or run…", "Ctrl+Shift+O", e -> chooseSession());
        openSession.setId("menuOpenSession");
        MenuItem save = item("Save session", "Ctrl+S", e -> saveSession(false));
        save.setId("menuSaveSession");
        MenuItem saveAs = item("Save session as…", "Ctrl+Shift+S", e -> saveSession(true));
        MenuItem saveWithModel = new MenuItem("Save session with its model…");
        saveWithModel.setOnAction(e -> saveSession(true, true));
        saveWithModel.setId("menuSaveWithModel");
        MenuItem report = item("Export report or figure…", "Ctrl+R", e -> chooseExport());
        report.setId("menuExportReport");
        MenuItem quit = item("Quit", "Ctrl+Q", e -> {
            prefs.saveWindow(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized());
            model.shutdown();
            session.close();
            stage.close();
        });
        MenuItem explainImage = item("Explain image…", "Ctrl+I", e -> {
            tabs.getSelectionModel().select(tab("tabExplain"));
            explainTab.chooseImage(stage);
        });
        explainImage.setId("menuExplainImage");
        MenuItem recover = new MenuItem("Recover autosaved runs");
        recover.setId("menuRecover");
        recover.setOnAction(e -> session.recoverable().stream().findFirst().ifPresent(session::recover));
        Menu file = new Menu("File", null, openFolder, openPt, openSession, recent, recover, new SeparatorMenuItem(),
                save, saveAs, saveWithModel, new SeparatorMenuItem(), attach, export, report, explainImage, new SeparatorMenuItem(),
                quit);
        // what a crash left is looked for when the menu opens, so the item is live only when there is something
        file.setOnShowing(e -> recover.setDisable(session.recoverable().isEmpty()));

        MenuItem generate = item("Generate", "Ctrl+G", e -> model.generate());
        MenuItem cancel = new MenuItem("Cancel selected run");
        cancel.setAccelerator(new KeyCodeCombination(KeyCode.ESCAPE));
        cancel.setOnAction(e -> {
            JobViewModel job = model.jobs().selectedProperty().get();
            if (job != null) {
                job.cancel();
            }
        });
        Menu run = new Menu("Run", null, generate, cancel);

        Menu view = new Menu("View");
        for (TabSpec spec : specs) {
            Tab tab = tab(spec.id());
            MenuItem show = spec.shortcut() == null ? new MenuItem(spec.title())
                    : item(spec.title(), spec.shortcut(), null);
            show.setOnAction(e -> tabs.getSelectionModel().select(tab));
            view.getItems().add(show);
        }
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setId("menuDark");
        dark.setAccelerator(KeyCombination.keyCombination("Ctrl+T"));
        dark.setSelected(prefs.darkTheme());
        dark.selectedProperty().addListener((obs, was, on) -> {
            applyTheme(stage.getScene().getRoot(), on);
            prefs.setDarkTheme(on);
        });
        // presenter mode: the whole window zooms with its font size (Modena sizes controls in em), full screen on F11
        MenuItem zoomIn = item("Zoom in", "Shortcut+Equals", e -> zoom(+1));
        zoomIn.setId("menuZoomIn");
        MenuItem zoomOut = item("Zoom out", "Shortcut+Minus", e -> zoom(-1));
        MenuItem zoomReset = item("Actual size", "Shortcut+0", e -> zoom(0));
        MenuItem fullScreen = item("Full screen", "F11", e -> stage.setFullScreen(!stage.isFullScreen()));
        CheckMenuItem contrast = new CheckMenuItem("High contrast");
        contrast.setId("menuHighContrast");
        contrast.setSelected(prefs.highContrast());
        contrast.selectedProperty().addListener((obs, was, on) -> {
            javafx.scene.Parent r = stage.getScene().getRoot();
            r.getStyleClass().remove("high-contrast");
            if (on) {
                r.getStyleClass().add("high-contrast");
            }
            prefs.setHighContrast(on);
        });
        CheckMenuItem panels = new CheckMenuItem("Hide the side panels");
        panels.setId("menuHidePanels");
        panels.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+H"));
        panels.selectedProperty().addListener((obs, was, hide) -> {
            // the models and jobs panels make room for the tab on a projector; they come back as they were
            javafx.scene.layout.BorderPane r = (javafx.scene.layout.BorderPane) stage.getScene().getRoot();
            if (hide) {
                hiddenLeft = r.getLeft();
                hiddenRight = r.getRight();
                r.setLeft(null);
                r.setRight(null);
            } else {
                r.setLeft(hiddenLeft);
                r.setRight(hiddenRight);
            }
        });
        view.getItems().addAll(new SeparatorMenuItem(), dark, new SeparatorMenuItem(), zoomIn, zoomOut, zoomReset,
                fullScreen, panels, contrast);
        MenuItem firstSteps = new MenuItem("First steps");
        firstSteps.setOnAction(e -> help("First steps", HelpTexts.FIRST_STEPS));
        MenuItem numbers = new MenuItem("What the numbers mean");
        numbers.setId("menuHelpNumbers");
        numbers.setOnAction(e -> help("What the numbers mean", HelpTexts.NUMBERS));
        MenuItem presets = new MenuItem("Presets");
        presets.setOnAction(e -> help("Presets", HelpTexts.PRESETS));
        Menu help = new Menu("Help", null, firstSteps, numbers, presets);
        MenuBar bar = new MenuBar(file, run, view, help);
        bar.setId("menuBar");
        return bar;
    }

    /** A help text in a window of its own that stays open beside the app (not modal). */
    private void help(String title, String text) {
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.initModality(javafx.stage.Modality.NONE);
        a.setTitle(title);
        a.setHeaderText(title);
        javafx.scene.control.Label body = new javafx.scene.control.Label(text);
        body.setWrapText(true);
        body.setPrefWidth(560); // a wrapped label takes its preferred width, else the dialog grows to one line
        body.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        a.getDialogPane().setContent(body);
        a.getDialogPane().setPrefWidth(600);
        a.setResizable(true);
        a.show();
    }

    /** The font size of an unzoomed window (JavaFX's default on this system). */
    private static final double BASE_FONT = javafx.scene.text.Font.getDefault().getSize();
    private static final double[] ZOOM_STEPS = {0.8, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2};

    /** +1 / −1: one step bigger or smaller; 0: back to actual size. Remembered for the next start. */
    void zoom(int direction) {
        double now = currentFontSize() / BASE_FONT;
        int at = 2;
        for (int i = 0; i < ZOOM_STEPS.length; i++) {
            if (Math.abs(ZOOM_STEPS[i] - now) < Math.abs(ZOOM_STEPS[at] - now)) {
                at = i;
            }
        }
        int next = direction == 0 ? 2 : Math.max(0, Math.min(ZOOM_STEPS.length - 1, at + direction));
        applyFontSize(stage.getScene().getRoot(), BASE_FONT * ZOOM_STEPS[next]);
        prefs.setUiFontSize(next == 2 ? 0 : BASE_FONT * ZOOM_STEPS[next]);
    }

    /** The window's font size now (the presenter zoom). */
    double currentFontSize() {
        javafx.scene.Parent root = stage.getScene().getRoot();
        return root.getStyle() != null && root.getStyle().contains("-fx-font-size")
                ? Double.parseDouble(root.getStyle().replaceAll(".*-fx-font-size:\\s*([0-9.]+)px.*", "$1"))
                : BASE_FONT;
    }

    private static void applyFontSize(javafx.scene.Parent root, double px) {
        root.setStyle(String.format(java.util.Locale.ROOT, "-fx-font-size: %.2fpx;", px));
    }

    private static MenuItem item(String text, String accelerator,
            javafx.event.EventHandler<javafx.event.ActionEvent> action) {
        MenuItem m = new MenuItem(text);
        m.setAccelerator(KeyCombination.keyCombination(accelerator));
        m.setOnAction(action);
        return m;
    }

    private static void applyTheme(javafx.scene.Parent root, boolean dark) {
        root.getStyleClass().remove("dark");
        if (dark) {
            root.getStyleClass().add("dark");
        }
    }

    private VBox buildModelPanel() {
        Label header = new Label("Sample models");
        header.getStyleClass().add("section-header");
        sampleList.setId("sampleList");
        sampleList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(SampleModels.Sample item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setText(null);
                } else {
                    ModelCard c = item.card();
                    String acc = c.testAccuracy() == null ? ""
                            : String.format(Locale.ROOT, " · %.1f %%", 100 * c.testAccuracy());
                    setText(item.name() + "\n" + c.architecture() + acc);
                }
            }
        });
        VBox.setVgrow(sampleList, Priority.ALWAYS);
        Button openFolder = new Button("Open model folder…");
        openFolder.setMaxWidth(Double.MAX_VALUE);
        openFolder.setTooltip(new Tooltip("A folder with model.json and the weights (Ctrl+O); or drop it here"));
        openFolder.setOnAction(e -> chooseModelFolder());
        Button openPt = new Button("Open TorchScript .pt…");
        openPt.setMaxWidth(Double.MAX_VALUE);
        openPt.setTooltip(new Tooltip("Any TorchScript image classifier (Ctrl+Shift+O); or drop the file here"));
        openPt.setOnAction(e -> choosePt());

        Label dataHeader = new Label("Data");
        dataHeader.getStyleClass().add("section-header");
        Label dataLabel = new Label();
        dataLabel.setId("dataLabel");
        dataLabel.setWrapText(true);
        dataLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Workbench.AttachedData d = model.dataProperty().get();
            return d == null ? "No data folder attached: DSVs start from noise and have no nearest real images."
                    : String.format(Locale.ROOT, "%s · %,d images · %d classes", d.train().name(), d.train().size(),
                            d.train().numClasses());
        }, model.dataProperty()));
        Button attach = new Button("Attach data folder…");
        attach.setId("attachData");
        attach.setMaxWidth(Double.MAX_VALUE);
        attach.setTooltip(new Tooltip("IDX, CIFAR binary or one subfolder per class (Ctrl+D): start images for"
                + " runs and nearest real images for DSVs"));
        attach.setOnAction(e -> chooseData());

        Label recentHeader = new Label("Recent");
        recentHeader.getStyleClass().add("section-header");
        ListView<Path> recentList = new ListView<>(model.recent());
        recentList.setId("recentList");
        recentList.setPrefHeight(110);
        recentList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(Path item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.getFileName().toString());
                setTooltip(empty || item == null ? null : new Tooltip(item.toString()));
            }
        });
        recentList.setOnMouseClicked(e -> {
            Path p = recentList.getSelectionModel().getSelectedItem();
            if (p != null && e.getClickCount() == 2) {
                openPath(p);
            }
        });
        // only shown once something was opened besides the samples
        recentHeader.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(model.recent()));
        recentHeader.managedProperty().bind(recentHeader.visibleProperty());
        recentList.visibleProperty().bind(recentHeader.visibleProperty());
        recentList.managedProperty().bind(recentHeader.visibleProperty());

        VBox panel = new VBox(8, header, sampleList, recentHeader, recentList, openFolder, openPt, dataHeader,
                dataLabel, attach);
        panel.setPadding(new Insets(12));
        panel.setPrefWidth(240);
        panel.getStyleClass().add("side-panel");
        return panel;
    }

    /** The trust model in one line, for the open dialogs' titles: the native dialogs take no other text. */
    static final String TRUST = " — a model file is a program: open files you trust (it runs sandboxed)";

    /**
     * The code check refused a model: say what it found and let the user open it anyway, trusting this file
     * (it then runs in the compute process, sandboxed and killable, and nowhere else first).
     */
    private void askToOpenAnyway(MainViewModel.Refusal refusal) {
        javafx.scene.control.ButtonType anyway = new javafx.scene.control.ButtonType("Open anyway",
                javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        javafx.scene.control.Alert alert = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.WARNING,
                "", anyway, javafx.scene.control.ButtonType.CANCEL);
        alert.initOwner(stage);
        alert.setTitle("Model refused");
        alert.setHeaderText("DSV Studio did not run " + refusal.path().getFileName());
        javafx.scene.control.Label text = new javafx.scene.control.Label(capitalize(refusal.message()) + ".\n\nA"
                + " TorchScript file is a program, and this one does something an image classifier does not need."
                + " Open it anyway only if you trust its author. It then runs in DSV Studio's compute process, which"
                + " the app stops if it hangs or crashes; sandbox: " + WorkerLaunch.sandboxNote() + ".");
        text.setWrapText(true);
        text.setPrefWidth(520);
        text.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        alert.getDialogPane().setContent(text);
        alert.getDialogPane().setPrefWidth(560);
        alert.showAndWait().filter(b -> b == anyway)
                .ifPresent(b -> model.open(refusal.path(), refusal.overrides(), true));
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void chooseModelFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a model folder (model.json + weights)" + TRUST);
        File dir = chooser.showDialog(stage);
        if (dir != null) {
            openPath(dir.toPath());
        }
    }

    private void choosePt() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a TorchScript image classifier" + TRUST);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("TorchScript", "*.pt", "*.pth"));
        File file = chooser.showOpenDialog(stage);
        if (file != null) {
            openPath(file.toPath());
        }
    }

    private void chooseData() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Attach a data folder (IDX, CIFAR binary, or one subfolder per class)");
        Path last = prefs.lastDataFolder();
        if (last != null && Files.isDirectory(last)) {
            chooser.setInitialDirectory(last.toFile());
        }
        File dir = chooser.showDialog(stage);
        if (dir != null) {
            model.attachData(dir.toPath());
        }
    }

    private void chooseSession() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a session (.dsv) or a run's dsvs.json");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Sessions and runs", "*.dsv",
                "dsvs.json"), new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(stage);
        if (f != null) {
            openPath(f.getName().equals("dsvs.json") ? f.toPath().getParent() : f.toPath());
        }
    }

    private void saveSession(boolean ask) {
        saveSession(ask, false);
    }

    private void saveSession(boolean ask, boolean embedModel) {
        Path current = session.fileProperty().get();
        if (!ask && current != null) {
            session.save(current);
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the session (every finished run, and the open model's path and hash)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("DSV Studio session", "*.dsv"));
        chooser.setInitialFileName(current != null ? current.getFileName().toString() : "session.dsv");
        File f = chooser.showSaveDialog(stage);
        if (f != null) {
            session.save(f.toPath(), embedModel).thenAccept(saved -> javafx.application.Platform.runLater(
                    () -> model.remember(saved)));
        }
    }

    private void chooseExport() {
        List<JobViewModel> done = model.jobs().withResults();
        if (done.isEmpty()) {
            notifyError("Nothing to export", "No run has finished yet: generate one, or open a session or a run.");
            return;
        }
        JobViewModel selected = model.jobs().selectedProperty().get();
        JobViewModel shown = selected != null && done.contains(selected) ? selected : done.get(done.size() - 1);
        ExportOptionsDialog options = new ExportOptionsDialog(shown.card().classNames());
        options.initOwner(stage);
        java.util.Optional<org.dsvstudio.report.GalleryFigure.Options> chosen = options.showAndWait();
        if (chosen.isEmpty()) {
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export a report of every finished run (HTML, PDF) or the selected run's gallery (PNG, SVG)");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("HTML report", "*.html"),
                new FileChooser.ExtensionFilter("PDF report", "*.pdf"),
                new FileChooser.ExtensionFilter("Gallery figure (PNG)", "*.png"),
                new FileChooser.ExtensionFilter("Gallery figure (SVG)", "*.svg"));
        chooser.setInitialFileName("dsv-report.html");
        File f = chooser.showSaveDialog(stage);
        if (f == null) {
            return;
        }
        String ext = chooser.getSelectedExtensionFilter() == null ? "*.html"
                : chooser.getSelectedExtensionFilter().getExtensions().get(0);
        Path target = f.toPath();
        String name = target.getFileName().toString();
        String wanted = ext.substring(1);
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(wanted)) {
            int dot = name.lastIndexOf('.');
            target = target.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + wanted);
        }
        org.dsvstudio.report.Exports.Format format = org.dsvstudio.report.Exports.Format.valueOf(
                wanted.substring(1).toUpperCase(java.util.Locale.ROOT));
        session.export(target, format, chosen.get(), options.saliency());
    }

    /**
     * Opens a model folder or .pt from a chooser, the recent list or a drop. A TorchScript file without a card
     * first gets the card dialog (input shape, classes, normalization), checked by a probe forward pass. A session
     * (.dsv) or a run folder (dsvs.json) opens as runs.
     */
    void openPath(Path path) {
        if (path.getFileName() != null && path.getFileName().toString().endsWith(
                org.dsvstudio.session.SessionFile.EXTENSION) && Files.isRegularFile(path)) {
            session.open(path).thenAccept(s -> javafx.application.Platform.runLater(() -> {
                model.remember(path);
                tabs.getSelectionModel().select(tab("tabGallery")); // a session is opened to look at its DSVs
            }));
            return;
        }
        if (Files.isDirectory(path) && org.dsvstudio.session.RunFolder.isRun(path)
                && !Files.exists(path.resolve(ModelCard.FILE_NAME))) {
            session.openRun(path);
            return;
        }
        if (Files.isRegularFile(path) && !ModelLoader.hasCard(path)) {
            CardDialog dialog = new CardDialog(path, CardOverrides.NONE, o -> model.probe(path, o));
            dialog.initOwner(stage);
            dialog.showAndWait().ifPresent(overrides -> {
                sampleList.getSelectionModel().clearSelection();
                model.open(path, overrides);
            });
            return;
        }
        sampleList.getSelectionModel().clearSelection();
        model.open(path);
    }

    /** A dropped model folder or .pt opens; a dropped folder without a model card is attached as data. */
    private void enableDragAndDrop(Scene scene) {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
            if (!files.isEmpty()) {
                Path p = files.get(0).toPath();
                if (Files.isDirectory(p) && !Files.exists(p.resolve(ModelCard.FILE_NAME))
                        && !org.dsvstudio.session.RunFolder.isRun(p)) {
                    model.attachData(p);
                } else {
                    openPath(p);
                }
            }
            e.setDropCompleted(!files.isEmpty());
            e.consume();
        });
    }

    private void notifyError(String header, String message) {
        Notifications.create().owner(stage).title(header).text(wrap(message, 72)).hideAfter(Duration.seconds(12))
                .position(Pos.BOTTOM_RIGHT).showError();
        lastNotification = header + ": " + message;
        errorNotifications++;
    }

    private void notifyInfo(String message) {
        Notifications.create().owner(stage).title("DSV Studio").text(wrap(message, 72))
                .hideAfter(Duration.seconds(5)).position(Pos.BOTTOM_RIGHT).showInformation();
        lastNotification = message;
    }

    /** Breaks text at spaces into lines of at most width characters (the popup does not wrap by itself). */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }

    /** How many error notifications were shown (tests check that one event gives one). */
    public int errorNotifications() {
        return errorNotifications;
    }

    /** The last notification shown (tests check what a user was told). */
    public String lastNotification() {
        return lastNotification;
    }

    private ScrollPane buildDetails() {
        title.getStyleClass().add("model-title");
        title.setId("modelTitle");
        details.setHgap(16);
        details.setVgap(8);
        details.setId("modelDetails");
        VBox box = new VBox(16, title, details);
        box.setPadding(new Insets(20));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private HBox buildStatusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(model.statusProperty());
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(16, 16);
        spinner.visibleProperty().bind(model.busyProperty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, status, grow, spinner);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 12, 4, 12));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private void showSummary(Workbench.ModelSummary s) {
        details.getChildren().clear();
        if (s == null) {
            title.setText("No model loaded");
            return;
        }
        ModelCard c = s.card();
        title.setText(c.name());
        stage.setTitle("DSV Studio — " + c.name());
        int row = 0;
        row = addRow(row, "Architecture", c.width() == null ? c.architecture() : c.architecture() + " (width " + c.width() + ")");
        row = addRow(row, "Parameters", String.format(Locale.ROOT, "%,d", s.parameterCount()));
        row = addRow(row, "Input", c.channels() + " × " + c.height() + " × " + c.imageWidth() + "  (C × H × W)");
        row = addRow(row, "Normalization", "mean " + Arrays.toString(c.mean()) + ", std " + Arrays.toString(c.std()));
        row = addRow(row, "Classes", c.numClasses() + ": " + String.join(", ", c.classNames()));
        if (c.testAccuracy() != null) {
            row = addRow(row, "Test accuracy", String.format(Locale.ROOT, "%.2f %% on %d images of %s",
                    100 * c.testAccuracy(), c.testSamples(), c.dataset()));
        }
        if (c.extra() != null && c.extra().get("robustAccuracy") instanceof Map<?, ?> robust
                && robust.get("accuracy") instanceof Number acc) {
            // adversarially trained models (train --adversarial): the accuracy under the attack they were trained on
            row = addRow(row, "Robust accuracy", String.format(Locale.ROOT, "%.2f %% under %s (%s images)",
                    100 * acc.doubleValue(), robust.get("attack"), robust.get("samples")));
        }
        if (c.provenance() != null) {
            ModelCard.Provenance p = c.provenance();
            if (p.command() != null) {
                row = addRow(row, "Trained by", p.command());
            }
            if (p.optimizer() != null) {
                row = addRow(row, "Training", String.format(Locale.ROOT,
                        "%s, lr %s (%s), weight decay μ = %s, %d epochs, seed %d, %.0f s", p.optimizer(),
                        p.learningRate(), p.schedule(), p.weightDecay(), p.epochs(), p.seed(), p.wallTimeSeconds()));
            }
        }
        row = addRow(row, "Device", s.device());
        row = addRow(row, "Engine", s.engine());
        row = addRow(row, "Runs in", model.computeProcessNote());
        row = addRow(row, "Source", s.path().toString());
        addRow(row, "SHA-256", s.sha256());
    }

    private int addRow(int row, String key, String value) {
        Label k = new Label(key);
        k.getStyleClass().add("detail-key");
        Label v = new Label(value);
        v.setWrapText(true);
        v.getStyleClass().add("detail-value");
        details.addRow(row, k, v);
        return row + 1;
    }

    // Explain tab (saliency maps): the tab, File → Explain image…, the gallery's Explain button

    private ExplainTab explainTab;

    /** The Explain tab (tests drive it through this). */
    ExplainTab explainTab() {
        return explainTab;
    }

}
