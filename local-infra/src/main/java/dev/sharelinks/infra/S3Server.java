package dev.sharelinks.infra;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * An S3-compatible server (S3Proxy) that checks SigV4 signatures, including those of presigned URLs: a tampered
 * signature or {@code response-content-disposition} is refused with 403, an expired URL too.
 */
public final class S3Server implements AutoCloseable {

    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;
    private final String accessKeyId;
    private final String secretAccessKey;

    private S3Server(S3Proxy proxy, BlobStore store, URI endpoint, String accessKeyId, String secretAccessKey) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
    }

    /**
     * Starts a server that accepts requests signed with this key.
     *
     * @param storage where objects live on disk; null keeps them in memory
     */
    public static S3Server start(int port, String accessKeyId, String secretAccessKey, @Nullable Path storage) {
        BlobStore store = storage == null
                ? new TransientNio2BlobStore()
                : new FilesystemNio2BlobStore(storage.toAbsolutePath().toString());
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
                .build();
        try {
            proxy.start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!"STARTED".equals(proxy.getState())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy on " + endpoint, e);
        }
        return new S3Server(proxy, store, endpoint, accessKeyId, secretAccessKey);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** Stores an object, creating the bucket if needed (straight into the store, no HTTP). */
    public void putObject(String bucket, String key, byte[] content, String contentType) {
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
        store.putBlob(
                PutObjectRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .contentLength((long) content.length)
                        .contentType(contentType)
                        .build(),
                new ByteArrayInputStream(content));
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy", e);
        }
    }
}
