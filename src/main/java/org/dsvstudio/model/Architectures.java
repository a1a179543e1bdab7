package org.dsvstudio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The built-in networks, written as DJL blocks so they train and run without any Python. */
public final class Architectures {

    /** Names accepted by {@code train --arch}. */
    public static final List<String> NAMES = List.of("convnet", "convnet-bn", "resnet8", "resnet20", "resnet18", "vgg",
            "mlp", "linear", "toy-mlp");

    /** Architectures whose card carries a width (the ConvNets, and the toy MLP's hidden units). */
    public static boolean hasWidth(String architecture) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        return arch.equals("convnet") || arch.equals("convnet-bn") || arch.equals("toy-mlp");
    }

    /** Hidden units of each of the toy MLP's two layers when the card names none. */
    public static final int DEFAULT_TOY_WIDTH = 32;

    public static final int DEFAULT_CONVNET_WIDTH = 64;

    private Architectures() {
    }

    /** Builds the named architecture; width applies to the ConvNet only (null = default). */
    public static Block build(String architecture, Integer width, int numClasses) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "convnet":
                return convNet(width == null ? DEFAULT_CONVNET_WIDTH : width, 3, numClasses, false);
            case "convnet-bn":
                return convNet(width == null ? DEFAULT_CONVNET_WIDTH : width, 3, numClasses, true);
            case "vgg":
                return smallVgg(numClasses);
            case "mlp":
                return mlp(numClasses);
            case "resnet8":
                return cifarResNet(1, numClasses);
            case "resnet20":
                return cifarResNet(3, numClasses);
            case "resnet18":
                return resNet18(numClasses);
            case "linear":
                return linear(numClasses);
            case "toy-mlp":
                return toyMlp(width == null ? DEFAULT_TOY_WIDTH : width, numClasses);
            default:
                throw new IllegalArgumentException(
                        "unknown architecture '" + architecture + "' (choose one of " + NAMES + ")");
        }
    }

    /**
     * The layers of a built-in network whose output is a convolutional feature map (N×C×h×w), by name, with the
     * index of the child of the top-level SequentialBlock that produces it, in forward order; empty for the
     * linear model. ConvNet: {@code conv1..conv3}, the ReLU output of each conv block (before its avg-pool).
     * ResNets: {@code stem} (conv-BN-ReLU) and {@code stageS.blockB}, the output of each residual block (after
     * the addition and ReLU). The last one is the last feature map before the network's final pooling. Must
     * follow the builders below.
     */
    public static Map<String, Integer> featureLayers(String architecture) {
        Map<String, Integer> layers = new LinkedHashMap<>();
        String arch = architecture.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "convnet":
            case "convnet-bn":
                for (int i = 0; i < 3; i++) {
                    layers.put("conv" + (i + 1), 4 * i + 2);
                }
                return layers;
            case "vgg":
                layers.put("conv1", 2);
                layers.put("conv2", 5);
                layers.put("conv3", 9);
                layers.put("conv4", 12);
                return layers;
            case "resnet8":
            case "resnet20":
            case "resnet18": {
                int perStage = arch.equals("resnet8") ? 1 : arch.equals("resnet20") ? 3 : 2;
                int stages = arch.equals("resnet18") ? 4 : 3;
                layers.put("stem", 2);
                int child = 3;
                for (int s = 1; s <= stages; s++) {
                    for (int b = 1; b <= perStage; b++) {
                        layers.put("stage" + s + ".block" + b, child++);
                    }
                }
                return layers;
            }
            case "mlp":
            case "linear":
            case "toy-mlp":
                return layers;
            default:
                throw new IllegalArgumentException(
                        "unknown architecture '" + architecture + "' (choose one of " + NAMES + ")");
        }
    }

    /**
     * The dataset-distillation ConvNet: depth × [conv 3×3 (width), instance norm, ReLU, avg-pool 2], then a
     * linear layer on the flattened features. With {@code batchNorm} the instance norm is a BatchNorm instead:
     * in evaluation that is a fixed affine map, so the network sees an image's contrast, which instance norm
     * right after the first convolution erases (legible DSVs need a model that cares about contrast).
     */
    public static Block convNet(int width, int depth, int numClasses, boolean batchNorm) {
        SequentialBlock net = new SequentialBlock();
        for (int i = 0; i < depth; i++) {
            net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .setFilters(width).build());
            net.add(batchNorm ? batchNorm() : new InstanceNorm());
            net.add(Activation.reluBlock());
            net.add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return net;
    }

    /**
     * A small VGG (BatchNorm, max-pooling, a hidden dense layer): 2 × [conv 32, conv 32, max-pool 2], then
     * 2 × [conv 64 …], dense 128, ReLU, dense K. Another kind of network than the sample models, for judging
     * DSVs it did not make.
     */
    public static Block smallVgg(int numClasses) {
        SequentialBlock net = new SequentialBlock();
        for (int filters : new int[] {32, 64}) {
            for (int i = 0; i < 2; i++) {
                net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .setFilters(filters).build()).add(batchNorm()).add(Activation.reluBlock());
            }
            net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return net;
    }

    /** A multilayer perceptron on the flattened pixels: 256-256 ReLU hidden units, no convolutions. */
    public static Block mlp(int numClasses) {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }

    /** The Teach tab's network on 2-D points: two hidden ReLU layers of {@code width} units. */
    public static Block toyMlp(int width, int numClasses) {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }

    /**
     * A linear softmax classifier on the flattened pixels: the model for which the KKT conditions hold exactly
     * after training with weight decay (a convex problem), so DeepKKT can be checked against known multipliers.
     */
    public static Block linear(int numClasses) {
        return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(numClasses).build());
    }

    /** CIFAR-style ResNet of depth 6n+2 (n = 1 → ResNet-8, n = 3 → ResNet-20), widths 16-32-64, BatchNorm. */
    public static Block cifarResNet(int blocksPerStage, int numClasses) {
        SequentialBlock net = new SequentialBlock();
        net.add(conv(16, 1)).add(batchNorm()).add(Activation.reluBlock());
        int[] widths = {16, 32, 64};
        int in = 16;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                net.add(basicBlock(widths[stage], stride, in != widths[stage] || stride != 1));
                in = widths[stage];
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return net;
    }

    /** ResNet-18 (BasicBlock ×[2,2,2,2], widths 64-512) with the CIFAR 3×3 stem instead of 7×7 + max-pool. */
    public static Block resNet18(int numClasses) {
        SequentialBlock net = new SequentialBlock();
        net.add(conv(64, 1)).add(batchNorm()).add(Activation.reluBlock());
        int[] widths = {64, 128, 256, 512};
        int in = 64;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < 2; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                net.add(basicBlock(widths[stage], stride, in != widths[stage] || stride != 1));
                in = widths[stage];
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return net;
    }

    private static Block basicBlock(int width, int stride, boolean projection) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(width, stride)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(width, 1)).add(batchNorm());
        Block shortcut = projection
                ? new SequentialBlock()
                        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).optStride(new Shape(stride, stride))
                                .setFilters(width).optBias(false).build())
                        .add(batchNorm())
                : Blocks.identityBlock();
        return new ParallelBlock(Architectures::addAndRelu, Arrays.asList(main, shortcut));
    }

    private static NDList addAndRelu(List<NDList> branches) {
        NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
        return new NDList(Activation.relu(sum));
    }

    private static Block conv(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride)).setFilters(filters).optBias(false).build();
    }

    private static Block batchNorm() {
        return BatchNorm.builder().optMomentum(0.9f).build();
    }
}
