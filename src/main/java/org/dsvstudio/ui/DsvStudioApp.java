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
    }
}
