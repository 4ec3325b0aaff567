package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * An API's OpenAPI description as a service serves it, and the answers checked against it: each answer must have a
 * status the description gives for its operation, the headers that status requires, a documented content type, and
 * a JSON body that the status's schema accepts. It remembers which operations were checked, so a test can show that
 * it checked every one the description promises.
 */
final class OpenApiContract {

    private static final String HTTP_METHODS = "get put post delete options head patch trace";

    private final String name;
    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final Set<String> checked = new HashSet<>();

    private OpenApiContract(String name, JsonNode document) {
        this.name = name;
        this.document = document;
        // the validator sees the document with absolute references, so a schema taken out of it resolves them
        JsonNode absolute = document.deepCopy();
        absoluteReferences(absolute);
        String json = JsonMapper.shared().writeValueAsString(absolute);
        this.schemas = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, registry -> registry.schemas(Map.of(iri(), json)));
    }

    /** Fetches the description without credentials, and checks it is valid OpenAPI 3.1 with nothing unresolved. */
    static OpenApiContract fetch(HttpClient http, String url) throws Exception {
        HttpResponse<String> served = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(TestStacks.REQUEST_TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as("GET %s", url).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        assertThat(parsed.getMessages())
                .as("what the OpenAPI parser says of %s", url)
                .isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        return new OpenApiContract(url, new YAMLMapper().readTree(served.body()));
    }

    /** Checks one answer of the operation at {@code pathTemplate} (as the description writes it, {@code {id}}...). */
    void check(String method, String pathTemplate, HttpResponse<String> answer) {
        String at = method + " " + pathTemplate + " answering " + answer.statusCode();
        JsonNode operation = document.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        assertThat(operation.isObject())
                .as("%s: %s describes no such operation", at, name)
                .isTrue();
        JsonNode response = resolve(operation.path("responses").path(String.valueOf(answer.statusCode())));
        assertThat(response.isObject())
                .as("%s: the status is not described; these are: %s", at, names(operation.path("responses")))
                .isTrue();

        for (String header : names(response.path("headers"))) {
            JsonNode described = resolve(response.path("headers").path(header));
            if (described.path("required").asBoolean(false)) {
                assertThat(answer.headers().firstValue(header))
                        .as("%s: header %s", at, header)
                        .isPresent();
            }
        }
        String body = answer.body();
        if (body == null || body.isEmpty() || method.equals("HEAD")) {
            checked.add(operation.path("operationId").asString());
            return;
        }
        String mediaType = answer.headers()
                .firstValue("Content-Type")
                .orElse("")
                .replaceAll(";.*", "")
                .strip();
        JsonNode content = response.path("content").path(mediaType);
        assertThat(content.isObject())
                .as(
                        "%s: content type %s is not described; these are: %s",
                        at, mediaType, names(response.path("content")))
                .isTrue();
        if (mediaType.endsWith("json")) {
            JsonNode described = content.path("schema").deepCopy();
            absoluteReferences(described);
            // a location of its own: at the document's, the validator would take this schema for the whole document
            Schema schema = schemas.getSchema(SchemaLocation.of(iri() + "/answer"), described);
            List<Error> errors = schema.validate(JsonMapper.shared().readTree(body));
            assertThat(errors)
                    .as("%s: the body %s against its schema", at, body)
                    .isEmpty();
        }
        checked.add(operation.path("operationId").asString());
    }

    /** The operations described that no {@link #check} has covered yet. */
    Set<String> unchecked() {
        Set<String> all = new TreeSet<>();
        for (String path : names(document.path("paths"))) {
            for (String method : names(document.path("paths").path(path))) {
                if (HTTP_METHODS.contains(method)) {
                    all.add(document.path("paths")
                            .path(path)
                            .path(method)
                            .path("operationId")
                            .asString());
                }
            }
        }
        all.removeAll(checked);
        return all;
    }

    /** The object a {@code $ref} to this document names, or the node itself. */
    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        if (!ref.isString()) {
            return node;
        }
        assertThat(ref.asString()).as("a reference within %s", name).startsWith("#/");
        return resolve(document.at(ref.asString().substring(1)));
    }

    /** Makes every {@code $ref} within this document ({@code #/...}) absolute, in place. */
    private void absoluteReferences(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && ref.asString().startsWith("#/")) {
                object.put("$ref", iri() + ref.asString());
            }
        }
        node.forEach(this::absoluteReferences);
    }

    private String iri() {
        return "https://sharelinks.test/" + name.replaceAll(".*/", "");
    }

    private static Set<String> names(JsonNode object) {
        return new TreeSet<>(object.propertyNames());
    }
}
