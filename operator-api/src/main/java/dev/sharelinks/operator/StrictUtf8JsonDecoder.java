package dev.sharelinks.operator;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.MimeType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson's JSON decoder, refusing a body that is not well-formed UTF-8 (RFC 8259 section 8.1) before Jackson reads
 * it. Jackson decodes some malformed sequences into characters: the overlong {@code C0 AE} becomes {@code .}, so a
 * filename could hold a dot its sender never wrote in a form a filter would look for. The JDK's decoder refuses
 * overlong forms, encoded surrogates and truncated sequences; the refusal is a {@link DecodingException}, which
 * the APIs answer as a malformed body.
 */
public class StrictUtf8JsonDecoder extends JacksonJsonDecoder {

    public StrictUtf8JsonDecoder(JsonMapper mapper) {
        super(mapper);
    }

    @Override
    public Object decode(
            DataBuffer buffer,
            ResolvableType targetType,
            @Nullable MimeType mimeType,
            @Nullable Map<String, Object> hints)
            throws DecodingException {
        if (!isUtf8(buffer)) {
            // released as the decoder releases a body it read
            DataBufferUtils.release(buffer);
            throw new DecodingException("JSON decoding error: the body is not well-formed UTF-8");
        }
        return super.decode(buffer, targetType, mimeType, hints);
    }

    /** Whether the buffer's readable bytes are well-formed UTF-8; reads them without moving its position. */
    static boolean isUtf8(DataBuffer buffer) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(buffer.readableByteCount());
        buffer.toByteBuffer(buffer.readPosition(), bytes, 0, bytes.capacity());
        try {
            utf8.decode(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
