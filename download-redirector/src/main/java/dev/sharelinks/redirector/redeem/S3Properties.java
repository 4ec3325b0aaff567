package dev.sharelinks.redirector.redeem;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the objects are: AWS itself (no endpoint), or any S3-compatible service such as Wasabi or MinIO.
 *
 * @param endpoint the S3 endpoint; empty for AWS's regional default
 * @param pathStyle {@code https://host/bucket/key} instead of {@code https://bucket.host/key} (MinIO, S3Proxy)
 * @param accessKeyId with {@code secretAccessKey}, static credentials; empty uses the AWS default chain
 *     (environment, web identity on Kubernetes, instance profile)
 * @param presignTtl how long a presigned URL works
 * @param presignReuse how long a URL may be handed out again for the same file: a viral link's redeems then share
 *     one signature instead of signing each (zero signs every redeem). A URL handed out works for at least
 *     {@code presignTtl} less this.
 */
@ConfigurationProperties("sharelinks.s3")
public record S3Properties(
        @Nullable URI endpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("false") boolean pathStyle,
        @DefaultValue("") String accessKeyId,
        @DefaultValue("") String secretAccessKey,
        @DefaultValue("15m") Duration presignTtl,
        @DefaultValue("1s") Duration presignReuse) {}
