package org.dsvstudio.cli;

import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.Architectures;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.train.Adversary;
import org.dsvstudio.train.ClassifierTrainer;
import org.dsvstudio.train.EvalResult;
import org.dsvstudio.train.Evaluator;
import org.dsvstudio.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code train}: trains a built-in architecture and writes a model folder with its card. */
@Command(name = "train", description = "Train a built-in network from scratch and write a model folder.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--arch", required = true, paramLabel = "ARCH",
            description = "Architecture to train from scratch: convnet, convnet-bn (BatchNorm: sees contrast),"
                    + " resnet8, resnet20, resnet18, vgg (small, BatchNorm), mlp or linear.")
    String arch;

    @Option(names = "--width", description = "ConvNet width (default 64).")
    Integer width;

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "Folder of IDX, CIFAR binary or image-folder data with train and test splits.")
    Path data;

    @Option(names = "--epochs", required = true, description = "Passes over the training split.")
    int epochs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per SGD step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.05", description = "Peak SGD learning rate (cosine to 0).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-3",
            description = "μ of the explicit (μ/2)‖θ‖² loss term (default ${DEFAULT-VALUE}, as in the paper).")
    double weightDecay;

    @Option(names = "--shift", defaultValue = "2", description = "Random translation ±pixels (0 = off).")
    int shift;

    @Option(names = "--flip", description = "Random horizontal flips (not for digits).")
    boolean flip;

    @Option(names = "--limit", defaultValue = "0",
            description = "Train on only the first N images per class (0 = all).")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0",
            description = "Measure accuracy on only the first N test images per class (0 = all).")
    int testLimit;

    @Option(names = "--adversarial", paramLabel = "l2|linf",
            description = "Train on PGD adversarial examples (Madry et al.) within an L2 or L∞ ball: a robust model,"
                    + " whose DSVs read as objects rather than texture.")
    String adversarial;

    @Option(names = "--eps", defaultValue = "1.5",
            description = "Radius of the adversarial ball in [0,1] pixel units (default ${DEFAULT-VALUE}; L∞: e.g. 0.1).")
    double eps;

    @Option(names = "--pgd-steps", defaultValue = "4",
            description = "PGD steps per batch (default ${DEFAULT-VALUE}; step size 2.5·eps/steps).")
    int pgdSteps;

    @Option(names = "--name", description = "Model name for the card (default: the folder name).")
    String name;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Architectures.NAMES.contains(arch.toLowerCase(Locale.ROOT))) {
            throw new UserInputException("unknown --arch '" + arch + "' (choose one of " + Architectures.NAMES + ")");
        }
        TrainConfig standard = TrainConfig.sgd(arch.toLowerCase(Locale.ROOT), width, epochs, batchSize, lr, momentum,
                weightDecay, shift, flip, seed, limit);
        TrainConfig config;
        try {
            config = standard.withAdversary(adversarial == null ? null : Adversary.of(adversarial, eps, pgdSteps))
                    .validate();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Adversary attack = config.adversary();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        ImageDataset train = DatasetLoader.load(data, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(data, Split.TEST);
        if (limit > 0) {
            train = train.firstPerClass(limit);
        }
        if (testLimit > 0) {
            test = test.firstPerClass(testLimit);
        }
        ModelCard card = ClassifierTrainer.freshCard(config, train,
                name != null ? name : out.toAbsolutePath().getFileName().toString(),
                data.toAbsolutePath().getFileName().toString());
        DjlEngine engine = common.startEngine();
        err.printf("Training %s on %d images of %s (%s), %d epochs, %s%n", config.architecture(), train.size(),
                train.name(), engine.deviceNote(), epochs, config.augmentationDescription());
        SignalCancellation cancellation = new SignalCancellation(30);
        ProgressLine bar = new ProgressLine(err);
        ImageDataset trainSet = train;
        ImageDataset testSet = test;
        long t0 = System.nanoTime();
        try {
            ComputeThread.get().call(() -> {
                ClassifierTrainer trainer = new ClassifierTrainer(config, p -> bar.update(p.fraction(),
                        String.format(Locale.ROOT, "epoch %d/%d loss %.4f acc %.2f%% %.0f img/s", p.epoch(), p.epochs(),
                                p.loss(), 100 * p.accuracy(), p.imagesPerSecond()),
                        p.step() == p.totalSteps()), cancellation::isCancelled, 5);
                try (BuiltinClassifier model = trainer.train(trainSet, card, engine.device())) {
                    bar.finish();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    err.printf("Measuring accuracy on %d test images…%n", testSet.size());
                    EvalResult result = Evaluator.evaluate(model, testSet);
                    java.util.Map<String, Object> extra = null;
                    if (attack != null) {
                        err.printf("Measuring robust accuracy (%s) on %d test images…%n", attack.description(),
                                testSet.size());
                        EvalResult robust = Evaluator.robust(model, testSet, attack, seed, f -> { },
                                cancellation::isCancelled);
                        extra = new java.util.LinkedHashMap<>();
                        java.util.Map<String, Object> figure = new java.util.LinkedHashMap<>();
                        figure.put("attack", attack.description());
                        figure.put("accuracy", Math.round(robust.accuracy() * 10000) / 10000.0);
                        figure.put("samples", robust.samples());
                        figure.put("perClassAccuracy", ClassifierTrainer.round4(robust.perClassAccuracy()));
                        extra.put("robustAccuracy", figure);
                        stdout.printf(Locale.ROOT, "Robust accuracy %.2f %% (%s) on %d images%n",
                                100 * robust.accuracy(), attack.description(), robust.samples());
                    }
                    ModelCard.Provenance provenance = new ModelCard.Provenance(DsvCli.commandLine(), seed,
                            config.optimizerDescription(), lr, config.scheduleDescription(),
                            batchSize, weightDecay, epochs, config.augmentationDescription(), trainSet.size(),
                            Math.round(seconds * 10) / 10.0, Instant.now().toString(), engine.versionLine(),
                            Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                                    + " " + System.getProperty("os.arch"));
                    ModelCard finished = new ModelCard(card.name(), card.architecture(), card.width(),
                            card.weightsFile(), card.inputShape(), card.classNames(), card.mean(), card.std(),
                            testSet.name(), result.accuracy(), result.samples(), ClassifierTrainer.round4(result.perClassAccuracy()),
                            provenance, extra);
                    model.save(out, finished);
                    stdout.printf(Locale.ROOT, "Test accuracy %.2f %% on %d images; wrote %s (%.0f s)%n",
                            100 * result.accuracy(), result.samples(), out, seconds);
                }
                return null;
            });
        } finally {
            bar.finish();
            cancellation.close();
        }
        return 0;
    }
}
