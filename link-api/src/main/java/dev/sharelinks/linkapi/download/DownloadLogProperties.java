package dev.sharelinks.linkapi.download;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The download log's settings.
 *
 * @param clientAddress how much of each downloader's address the log keeps ({@code DOWNLOAD_LOG_CLIENT_ADDRESS})
 * @param defaultPageSize entries per page when a request names no {@code limit}
 * @param maxPageSize the largest {@code limit} a request may name
 */
@ConfigurationProperties("sharelinks.link-api.download-log")
public record DownloadLogProperties(
        @DefaultValue("truncated") ClientAddressRetention clientAddress,
        @DefaultValue("100") int defaultPageSize,
        @DefaultValue("1000") int maxPageSize) {}
