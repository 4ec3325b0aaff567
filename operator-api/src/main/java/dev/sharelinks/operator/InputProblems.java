package dev.sharelinks.operator;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * A 400 problem detail that names what could not be read, where Spring's own would only say "Failed to read HTTP
 * message" or "Type mismatch.".
 */
public final class InputProblems {

    private InputProblems() {}

    public static ProblemDetail of(ServerWebInputException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(e));
    }

    static String describe(ServerWebInputException e) {
        MethodParameter parameter = e.getMethodParameter();
        if (parameter != null && parameter.hasParameterAnnotation(PathVariable.class)) {
            return parameter.getParameterName() + " must be a number";
        }
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown property: " + unknown.getPropertyName();
        }
        if (cause instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            return mismatch.getPath().get(mismatch.getPath().size() - 1).getPropertyName() + " has the wrong type";
        }
        return "the body must be a JSON object";
    }
}
