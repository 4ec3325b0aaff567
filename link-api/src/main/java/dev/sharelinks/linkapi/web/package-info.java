/** The MediaPocket error format and request-parameter checks shared by the API's controllers. */
@NullMarked
package dev.sharelinks.linkapi.web;

import org.jspecify.annotations.NullMarked;
