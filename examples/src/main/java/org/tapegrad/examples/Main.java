package org.tapegrad.examples;

/** Entry point of the examples jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("usage: java -jar tapegrad-examples.jar <command>");
    }
}
