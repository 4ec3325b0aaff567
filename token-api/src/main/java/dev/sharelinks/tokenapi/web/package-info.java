/** The Keepeek API's error format and the translation of every failure into it. */
@NullMarked
package dev.sharelinks.tokenapi.web;

import org.jspecify.annotations.NullMarked;
