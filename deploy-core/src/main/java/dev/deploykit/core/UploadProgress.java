package dev.deploykit.core;

/**
 * How far an upload has got.
 *
 * @param filesDone files sent or found already on the platform
 * @param filesTotal files to upload
 * @param bytesDone bytes sent
 * @param bytesTotal bytes of all files
 */
public record UploadProgress(int filesDone, int filesTotal, long bytesDone, long bytesTotal) {}
