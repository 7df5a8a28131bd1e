package dev.jdnn.data;

import dev.jdnn.internal.files.FileKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG and BMP images, from files ({@link ImageFolderReader}, {@link ImageFiles}) or from bytes
 * ({@link Preprocessing}), refusing other formats and images of more than {@link ImageFolderReader#MAX_PIXELS}
 * pixels before the decoder allocates them. Every failure is a {@link DataFormatException} naming the source.
 */
final class ImageDecoder {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");
    private static final String EXTENSIONS_TEXT = ".png, .jpg, .jpeg, .bmp";
    /** The decoders' format names that are read; ImageIO recognises others (GIF, TIFF, WBMP) by content too. */
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp");
    /** What messages call images given as bytes. */
    static final String BYTES_SOURCE = "image bytes";

    private ImageDecoder() {}

    /** Decodes one .png, .jpg, .jpeg or .bmp file. */
    static DecodedImage decode(Path file) throws IOException {
        return read(file, reader -> DecodedImage.of(reader.read(0)));
    }

    /**
     * The size of one .png, .jpg, .jpeg or .bmp file as its header states it, checked as {@link #decode(Path)}
     * checks it, without decoding its pixels: what reading it will take, counted before anything is decoded.
     */
    static Size size(Path file) throws IOException {
        return read(file, reader -> {
            ImageTypeSpecifier type = reader.getRawImageType(0);
            // Gray with or without alpha decodes to 1 channel; anything else, or a type not known up front, to 3.
            int channels = type != null && type.getNumBands() <= 2 ? 1 : 3;
            return new Size(channels, reader.getHeight(0), reader.getWidth(0));
        });
    }

    /** An image's channels (1 or 3, as decoded), height and width. */
    record Size(int channels, int height, int width) {}

    /** What is read from an image's reader once its format and size passed the checks. */
    @FunctionalInterface
    private interface ReaderCall<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T read(Path file, ReaderCall<T> call) throws IOException {
        String name = file.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (name.indexOf('.') < 0 || !EXTENSIONS.contains(extension)) {
            throw new DataFormatException(file.toString(), "not an image file; allowed extensions: " + EXTENSIONS_TEXT);
        }
        String source = file.toString();
        FileKind kind = FileKind.of(file);
        if (kind != FileKind.REGULAR_FILE) {
            throw new DataFormatException(source, kind.notRegular() + "; an image must be a regular file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new DataFormatException(source, "unreadable image: cannot open it");
            return read(in, source, call);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(source, "unreadable image: " + e.getMessage(), e);
        }
    }

    /** Decodes an encoded PNG, JPEG or BMP image held in memory. */
    static DecodedImage decode(byte[] encoded) throws DataFormatException {
        // A memory cache: ImageIO's default for streams caches in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            return read(in, BYTES_SOURCE, reader -> DecodedImage.of(reader.read(0)));
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(BYTES_SOURCE, "unreadable image: " + e.getMessage(), e);
        }
    }

    private static <T> T read(ImageInputStream in, String source, ReaderCall<T> call) throws IOException {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.hasNext() ? readers.next() : null;
            String format = reader == null ? "" : reader.getFormatName().toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(format)) {
                throw new DataFormatException(source, "unreadable image: "
                        + (reader == null ? "no" : "a " + format + " image, not a") + " PNG, JPEG or BMP image");
            }
            try {
                reader.setInput(in, true, true);
                // The header's size is checked before the decoder allocates it: a few bytes can claim gigapixels.
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > ImageFolderReader.MAX_PIXELS) {
                    throw new DataFormatException(source, "%d x %d pixels (width x height), more than the %d an image may have"
                            .formatted(reader.getWidth(0), reader.getHeight(0), ImageFolderReader.MAX_PIXELS));
                }
                return call.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(source, "unreadable image: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The JDK's decoders report some malformed headers with unchecked exceptions: ImageFolderFuzzTest found
            // a 63-byte BMP on which BMPImageReader.getWidth throws NegativeArraySizeException.
            throw new DataFormatException(source, "unreadable image: the decoder failed with " + e, e);
        }
    }
}
