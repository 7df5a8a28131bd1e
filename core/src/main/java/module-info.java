/**
 * jdnn: convolutional networks on the JVM, computed by oneDNN through the Foreign Function &amp; Memory API.
 * The generated bindings ({@code dev.jdnn.internal.ffi}) are not exported. The module needs nothing beyond the
 * JDK; its native libraries come from the artifact dev.jdnn:jdnn-natives (class path or module path).
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
