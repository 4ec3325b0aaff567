package dev.sharelinks.redirector.redeem;

import java.nio.charset.StandardCharsets;
import org.springframework.http.ContentDisposition;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/**
 * Signs GET URLs in process (SigV4, no call to S3). The URL makes S3 answer with
 * {@code Content-Disposition: attachment; filename=...}, so the browser saves the file under the link's name.
 */
@Component
class DownloadPresigner implements AutoCloseable {

    private final S3Presigner presigner;
    private final S3Properties properties;

    DownloadPresigner(S3Properties properties) {
        this.properties = properties;
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials(properties))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(properties.pathStyle()).build());
        // an unset endpoint may bind as an empty URI; both mean AWS's own regional endpoint
        if (properties.endpoint() != null && !properties.endpoint().toString().isBlank()) {
            builder.endpointOverride(properties.endpoint());
        }
        this.presigner = builder.build();
    }

    String presignedUrl(String bucket, String objectKey, String filename) {
        GetObjectRequest get = GetObjectRequest.builder()
                .bucket(bucket)
                .key(objectKey)
                .responseContentDisposition(attachment(filename))
                .build();
        return presigner.presignGetObject(GetObjectPresignRequest.builder()
                        .signatureDuration(properties.presignTtl())
                        .getObjectRequest(get)
                        .build())
                .url()
                .toString();
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

    @Override
    public void close() {
        presigner.close();
    }
}
