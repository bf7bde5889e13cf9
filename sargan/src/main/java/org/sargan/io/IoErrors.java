package org.sargan.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * I/O errors that say what failed and why. The JDK's file-system exceptions carry only a path as their message
 * ("sargan: /proc/forbidden"); these helpers name the operation and the reason.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** Why an I/O operation failed, in words: "permission denied", "no such file or folder", ... */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is a file, not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists (as a file where a folder is needed, or the other way round)";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the folder is not empty";
        }
        if (e instanceof FileSystemException f) {
            String r = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return r.isEmpty() ? r : Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** One line for an I/O error that reached the command line: the path involved and the reason. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(e);
        }
        return reason(e);
    }

    /** {@code what} (e.g. "cannot write the checkpoint X") with the reason of {@code e}, keeping e as the cause. */
    public static IOException context(String what, IOException e) {
        boolean named = !(e instanceof FileSystemException f) || f.getFile() == null || what.contains(f.getFile());
        return new IOException(what + ": " + (named ? reason(e) : describe(e)), e);
    }

    /**
     * Checks that {@code file}, given as option {@code option}, is a readable file.
     *
     * @throws IOException saying whether it is missing, a folder or unreadable
     */
    public static void requireFile(Path file, String option) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(option + " " + file + " is a folder, expected a file");
        }
        if (!Files.exists(file)) {
            Path parent = file.toAbsolutePath().getParent();
            throw new IOException(option + " " + file + ": no such file" + (parent != null && !Files.isDirectory(parent)
                    ? " (the folder " + parent + " does not exist either)" : ""));
        }
        if (!Files.isReadable(file)) {
            throw new IOException(option + " " + file + ": permission denied (not readable)");
        }
    }

    /** Creates {@code dir} (and its parents), saying what failed and why. */
    public static void createFolder(Path dir, String what) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw context("cannot create the " + what + " " + dir, e);
        }
    }
}
