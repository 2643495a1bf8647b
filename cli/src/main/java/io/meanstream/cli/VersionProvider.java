package io.meanstream.cli;

import picocli.CommandLine;

/** The version from the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Meanstream.class.getPackage().getImplementationVersion();
        return new String[] {"meanstream " + (v == null ? "development build" : v)};
    }
}
