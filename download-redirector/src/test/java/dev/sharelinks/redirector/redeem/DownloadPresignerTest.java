package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Presigning is configuration-driven: AWS itself, Wasabi-style virtual hosts, or path-style MinIO/S3Proxy. */
class DownloadPresignerTest {

    @Test
    void whenNoEndpointIsSetThenItSignsForAwsInTheConfiguredRegion() {
        try (DownloadPresigner presigner = new DownloadPresigner(properties(URI.create(""), "eu-central-1", false))) {
            String url = presigner
                    .presignedUrl("acme-media", "media/4/original.jpg", "photo.jpg")
                    .toString();

            assertThat(url)
                    .startsWith("https://acme-media.s3.eu-central-1.amazonaws.com/media/4/original.jpg?")
                    .contains(
                            "X-Amz-Credential=AKIDEXAMPLE%2F",
                            "%2Feu-central-1%2Fs3%2Faws4_request",
                            "X-Amz-Expires=900",
                            "X-Amz-SignedHeaders=host",
                            "response-content-disposition=attachment%3B%20filename%3D%22photo.jpg%22");
        }
    }

    @Test
    void whenAnS3CompatibleEndpointIsSetThenItSignsForItVirtualHostedOrPathStyle() {
        URI wasabi = URI.create("https://s3.eu-central-1.wasabisys.com");
        try (DownloadPresigner virtualHosted = new DownloadPresigner(properties(wasabi, "eu-central-1", false));
                DownloadPresigner pathStyle =
                        new DownloadPresigner(properties(URI.create("http://minio.local:9000"), "us-east-1", true))) {
            assertThat(virtualHosted
                            .presignedUrl("mediapocket-test-account-5", "test_key", "f")
                            .toString())
                    .startsWith("https://mediapocket-test-account-5.s3.eu-central-1.wasabisys.com/test_key?");
            assertThat(pathStyle.presignedUrl("bucket", "a/b c.bin", "f").toString())
                    .startsWith("http://minio.local:9000/bucket/a/b%20c.bin?");
        }
    }

    @Test
    void whenTheFilenameNeedsCareThenTheDispositionStaysOneWellFormedHeaderValue() {
        assertThat(DownloadPresigner.attachment("report.pdf")).isEqualTo("attachment; filename=\"report.pdf\"");
        assertThat(DownloadPresigner.attachment("a\"b\\c.pdf")).isEqualTo("attachment; filename=\"a\\\"b\\\\c.pdf\"");
        assertThat(DownloadPresigner.attachment("été.pdf"))
                .startsWith("attachment; ")
                .contains("filename*=UTF-8''%C3%A9t%C3%A9.pdf");
    }

    @Test
    void withinTheReuseWindowAFileGetsTheSameUrlAndAnotherFileItsOwn() {
        try (DownloadPresigner presigner = new DownloadPresigner(
                properties(URI.create("http://minio.local:9000"), "us-east-1", true, Duration.ofMinutes(1)))) {
            URI first = presigner.presignedUrl("bucket", "a/b.bin", "b.bin");

            assertThat(presigner.presignedUrl("bucket", "a/b.bin", "b.bin")).isSameAs(first);
            URI renamed = presigner.presignedUrl("bucket", "a/b.bin", "other.bin");
            assertThat(renamed.toString()).contains("filename%3D%22other.bin%22");
            assertThat(presigner.presignedUrl("bucket", "a/c.bin", "other.bin")).isNotEqualTo(renamed);
            assertThat(presigner.presignedUrl("another", "a/c.bin", "other.bin").toString())
                    .startsWith("http://minio.local:9000/another/a/c.bin?");
        }
    }

    @Test
    void pastTheReuseWindowOrWithoutOneEveryUrlIsSignedAgain() throws InterruptedException {
        URI minio = URI.create("http://minio.local:9000");
        try (DownloadPresigner reusing =
                        new DownloadPresigner(properties(minio, "us-east-1", true, Duration.ofMillis(1)));
                DownloadPresigner signingEach =
                        new DownloadPresigner(properties(minio, "us-east-1", true, Duration.ZERO))) {
            URI first = reusing.presignedUrl("bucket", "a/b.bin", "b.bin");
            Thread.sleep(5);
            assertThat(reusing.presignedUrl("bucket", "a/b.bin", "b.bin")).isNotSameAs(first);

            URI signed = signingEach.presignedUrl("bucket", "a/b.bin", "b.bin");
            assertThat(signingEach.presignedUrl("bucket", "a/b.bin", "b.bin")).isNotSameAs(signed);
        }
    }

    private static S3Properties properties(URI endpoint, String region, boolean pathStyle) {
        return properties(endpoint, region, pathStyle, Duration.ofSeconds(1));
    }

    private static S3Properties properties(URI endpoint, String region, boolean pathStyle, Duration reuse) {
        return new S3Properties(endpoint, region, pathStyle, "AKIDEXAMPLE", "secret", Duration.ofMinutes(15), reuse);
    }
}
