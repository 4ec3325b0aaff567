package dev.sharelinks.redirector.visitor;

import java.util.List;
import java.util.Map;

/** A real User-Agent of every agent in {@code visitor/preview-agents.txt}, and of people, for the tests. */
public final class PreviewAgentSamples {

    public static final Map<String, String> BY_NAME = Map.ofEntries(
            Map.entry("slack", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
            Map.entry(
                    "teams",
                    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
                            + "skype-url-preview@microsoft.com"),
            Map.entry("discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"),
            Map.entry("telegram", "TelegramBot (like TwitterBot)"),
            Map.entry("whatsapp", "WhatsApp/2.23.20.0 A"),
            Map.entry("facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"),
            Map.entry("twitter", "Twitterbot/1.0"),
            Map.entry(
                    "linkedin",
                    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"),
            Map.entry("mastodon", "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)"),
            Map.entry("mattermost", "Mattermost-Bot/1.1"),
            Map.entry("zulip", "Mozilla/5.0 (compatible; ZulipURLPreview/9.0; +https://zulip.com/)"),
            Map.entry("viber", "Mozilla/5.0 (compatible; ViberUrlDownloader/1.0)"),
            Map.entry(
                    "snapchat",
                    "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; "
                            + "https://developers.snap.com/robots)"),
            Map.entry("pinterest", "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)"),
            Map.entry("reddit", "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)"),
            Map.entry("embedly", "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)"),
            Map.entry("office", "Microsoft Office Existence Discovery"),
            Map.entry("google", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            Map.entry(
                    "bing",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                            + "BingPreview/1.0b"),
            Map.entry(
                    "apple",
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like "
                            + "Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"),
            Map.entry("yandex", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
            Map.entry("baidu", "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"),
            Map.entry("duckduckgo", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)"),
            Map.entry("yahoo", "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)"),
            Map.entry("barracuda", "Barracuda Sentinel (EE)"));

    /** Browsers (in-app ones included), download tools and API clients: never previews. */
    public static final List<String> PEOPLE = List.of(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    + "Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
                    + "Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    + "Mobile/15E148 Instagram 340.0.4.21.89 (iPhone14,5; iOS 17_5; en_US)",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    + "Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.40.106;FBBV/630000000]",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
                    + "Mobile Safari/537.36 Line/14.19.1",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    + "Mobile/15E148 LinkedInApp/9.30.1",
            "curl/8.5.0",
            "Wget/1.21.3",
            "python-requests/2.32.3",
            "okhttp/4.12.0",
            "Java-http-client/17.0.15",
            "aria2/1.37.0");

    private PreviewAgentSamples() {}
}
