package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Checks that a chart file is a PNG that decodes to a non-trivial image. */
final class ImageFiles {
    private ImageFiles() {
    }

    static BufferedImage assertPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " is missing");
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertTrue(in.read(head) == 8, file + " is too short");
        }
        assertTrue(head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
                file + " does not start with the PNG signature");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode as an image");
        assertTrue(image.getWidth() >= 200 && image.getHeight() >= 200, file + " is only " + image.getWidth() + "×"
                + image.getHeight());
        return image;
    }
}
