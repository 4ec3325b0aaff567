package dev.sharelinks.redirector.redeem;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Signs GET URLs in process (SigV4 in the query string, no call to S3). The URL makes S3 answer with
 * {@code Content-Disposition: attachment; filename=...}, so the browser saves the file under the link's name.
 * <p>
 * It signs with the SDK's {@code AwsV4HttpSigner} directly, on a request it builds itself: the S3 presigner would
 * marshal a whole GetObject request through its interceptors for every URL, a quarter of the redirector's CPU on
 * the redeem benchmark. Addressing follows S3's rules: virtual-hosted bucket names on AWS (path style for names with
 * dots, which the wildcard certificate does not cover), and on another endpoint as configured.
 * <p>
 * Each thread keeps the last URL it signed and hands it out again for the same file within {@code presignReuse}:
 * signing was a sixth of the redirector's CPU on a hot link, and a URL names a file, not a visitor.
 */
@Component
class DownloadPresigner implements AutoCloseable {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final S3Properties properties;
    private final @Nullable URI endpoint;
    private final long reuseNanos;
    /** Each thread's last signed URL: the event loops presign, and a thread's own needs no lock. */
    @SuppressWarnings("ThreadLocalUsage") // per presigner, as each signs with its own settings
    private final ThreadLocal<Signed> lastSigned = new ThreadLocal<>();

    DownloadPresigner(S3Properties properties) {
        this.properties = properties;
        this.credentials = credentials(properties);
        // an unset endpoint may bind as an empty URI; both mean AWS's own regional endpoint
        this.endpoint = properties.endpoint() == null
                        || properties.endpoint().toString().isBlank()
                ? null
                : properties.endpoint();
        this.reuseNanos = properties.presignReuse().toNanos();
    }

    /** A GET URL of the object that saves it as {@code filename}, valid for at least TTL less the reuse. */
    URI presignedUrl(String bucket, String objectKey, String filename) {
        long now = System.nanoTime();
        Signed last = lastSigned.get();
        if (last != null && now - last.signedAt() < reuseNanos && last.isFor(bucket, objectKey, filename)) {
            return last.url();
        }
        URI url = sign(bucket, objectKey, filename);
        lastSigned.set(new Signed(bucket, objectKey, filename, now, url));
        return url;
    }

    private URI sign(String bucket, String objectKey, String filename) {
        String path = "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(objectKey);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .putRawQueryParameter("response-content-disposition", attachment(filename));
        if (endpoint == null) {
            String regional = "s3." + properties.region() + ".amazonaws.com";
            boolean virtualHosted = !bucket.contains(".");
            request.protocol("https")
                    .host(virtualHosted ? bucket + "." + regional : regional)
                    .encodedPath(virtualHosted ? path : "/" + bucket + path);
        } else {
            request.protocol(endpoint.getScheme())
                    .host(properties.pathStyle() ? endpoint.getHost() : bucket + "." + endpoint.getHost())
                    .encodedPath(properties.pathStyle() ? "/" + SdkHttpUtils.urlEncode(bucket) + path : path);
            if (endpoint.getPort() != -1) {
                request.port(endpoint.getPort());
            }
        }
        SignedRequest signed = signer.sign(sign -> sign.identity(credentials.resolveCredentials())
                .request(request.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, properties.region())
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, properties.presignTtl())
                // S3's rules: the payload is not signed (UNSIGNED-PAYLOAD), and the path is signed as sent
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false));
        // the signer's URI, as is: parsing its text once more for the Location header cost the hot path a few percent
        return signed.request().getUri();
    }

    /**
     * {@code attachment; filename="name"}; a non-ASCII name also gets the RFC 6266 / RFC 5987
     * {@code filename*=UTF-8''...} form, and quotes or backslashes are escaped, so no name can break the header.
     */
    static String attachment(String filename) {
        boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(filename);
        ContentDisposition.Builder disposition = ContentDisposition.attachment();
        return (ascii ? disposition.filename(filename) : disposition.filename(filename, StandardCharsets.UTF_8))
                .build()
                .toString();
    }

    private static AwsCredentialsProvider credentials(S3Properties properties) {
        if (properties.accessKeyId().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(properties.accessKeyId(), properties.secretAccessKey()));
    }

    /** A URL signed for one file at {@code signedAt} (nanoTime). */
    private record Signed(String bucket, String objectKey, String filename, long signedAt, URI url) {

        boolean isFor(String otherBucket, String otherKey, String otherFilename) {
            return objectKey.equals(otherKey) && bucket.equals(otherBucket) && filename.equals(otherFilename);
        }
    }

    @Override
    public void close() {
        IoUtils.closeIfCloseable(credentials, null);
    }
}
