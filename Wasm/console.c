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
