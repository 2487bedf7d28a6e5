// What a page's WebAssembly module needs from C that wasi-libc gives in a form a page cannot use
// (output to a standard output it does not have) or that Swift cannot call (variadic functions).
#include <stdio.h>
#include <stdlib.h>

// What Embedded Swift prints (a trap's message, `print`) goes through `putchar`. A page has no
// standard output, so the text is kept here, the last 4 KB of it, for JavaScript to read after a
// trap (bp_console / bp_console_length); defining putchar also keeps wasi-libc's stdio, and the
// WASI imports it needs, out of the module.
static char text[4096];
static unsigned long length;

int putchar(int c) {
    text[length % sizeof text] = (char)c;
    length++;
    return c;
}

const char *bp_console(void) { return text; }
unsigned long bp_console_length(void) { return length < sizeof text ? length : sizeof text; }

// The C library's failed assertion (its allocator's checks): the message into the same text,
// then a trap, instead of wasi-libc's fprintf to a standard error the page does not have.
_Noreturn void __assert_fail(const char *expression, const char *file, int line, const char *function) {
    (void)line; (void)function;
    for (const char *s = "assertion failed: "; *s; s++) putchar(*s);
    for (const char *s = expression; *s; s++) putchar(*s);
    for (const char *s = " in "; *s; s++) putchar(*s);
    for (const char *s = file; *s; s++) putchar(*s);
    putchar('\n');
    __builtin_trap();
}

// Swift's `Double(String)` in Embedded Swift ends in these (the runtime of a full toolchain has
// them); wasi-libc's strtod is musl's, correctly rounded.
const char *_swift_stdlib_strtod_clocale(const char *text, double *out) {
    char *end;
    *out = strtod(text, &end);
    return end;
}

const char *_swift_stdlib_strtof_clocale(const char *text, float *out) {
    char *end;
    *out = strtof(text, &end);
    return end;
}

// wasi-libc's strtod.o also holds strtold, whose "long double is not supported" message names
// stderr and fputs; the message goes to the console text instead, and stderr is never built
// (it would bring in the WASI file descriptor imports a page does not provide).
int fputs(const char *s, FILE *stream) {
    (void)stream;
    for (; *s; s++) putchar(*s);
    return 0;
}
char __stderr_FILE[1];

// printf's formatting for one double (PrintfText.swift): Swift cannot call variadic C functions.
int bp_format_double(char *out, int capacity, const char *format, double value) {
    return snprintf(out, (size_t)capacity, format, value);
}

// Swift's Set and Dictionary seed their hashing with random bytes, against collisions forged in
// untrusted keys by whoever else sends them. A page's module hashes only its own tab's keys, so
// it takes a fixed seed — its dictionaries iterate in the same order on every machine, like the
// rest of a session — and imports nothing for it (wasi-libc's arc4random asks WASI's random_get).
void arc4random_buf(void *buffer, size_t count) {
    unsigned char *b = buffer;
    for (size_t i = 0; i < count; i++) b[i] = (unsigned char)(0x9E + 37 * i);
}
