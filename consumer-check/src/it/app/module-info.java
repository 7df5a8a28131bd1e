/** The consumer as a JPMS module: jdnn on the module path, read through its exported packages only. */
module app {
    requires dev.jdnn;
}
