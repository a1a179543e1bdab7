package org.dsvstudio.ui;

import javafx.application.Application;
import javafx.stage.Stage;

/** The desktop app. */
public final class DsvStudioApp extends Application {

    public static void launchApp(String[] args) {
        Application.launch(DsvStudioApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        MainWindow window = new MainWindow();
        window.show(stage);
        // opened through a .dsv file (the desktop's file association): that session
        getParameters().getRaw().stream().filter(a -> a.endsWith(".dsv")).findFirst()
                .ifPresent(file -> window.openPath(java.nio.file.Path.of(file)));
    }
}
