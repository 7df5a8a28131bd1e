/**
 * jdnn: convolutional networks on the JVM, computed by oneDNN through the Foreign Function &amp; Memory API.
 * The generated bindings ({@code dev.jdnn.internal.ffi}) and the command line are not exported.
 */
module dev.jdnn {
    requires java.desktop;
    requires jdk.management;

    exports dev.jdnn;
    exports dev.jdnn.data;
    exports dev.jdnn.inference;
    exports dev.jdnn.io;
    exports dev.jdnn.onnx;
    exports dev.jdnn.train;
    exports dev.jdnn.runtime;
    exports dev.jdnn.tensor;
    exports dev.jdnn.layers;
}
