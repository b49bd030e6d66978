/* A printf-style formatter in freestanding C (-O2, varargs through the
 * general-register save area): %d %i %u %x %X %o %c %s %p %% with l/ll/h/hh/z
 * length modifiers, flags '-' '0' '+' ' ' '#', field width and precision (also
 * '*'). Every result is compared with the string a hosted printf produces. */
#include <stdarg.h>
#include "semihost.h"

typedef struct {
    char *buf;
    size_t cap, len;
} out_t;

static void put(out_t *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_num(out_t *o, uint64_t v, int neg, unsigned base, int upper,
                     int left, int zero, int plus, int space, int alt, int width, int prec)
{
    char digits[32];
    int n = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (!(v == 0 && prec == 0)) {
        do {
            digits[n++] = dig[v % base];
            v /= base;
        } while (v);
    }
    char sign = neg ? '-' : plus ? '+' : space ? ' ' : 0;
    const char *prefix = "";
    if (alt && base == 16 && n > 0 && !(n == 1 && digits[0] == '0'))
        prefix = upper ? "0X" : "0x";
    if (alt && base == 8 && (n == 0 || digits[n - 1] != '0') && prec <= n)
        prefix = "0";
    int plen = (int)strlen(prefix);
    int zeros = prec > n ? prec - n : 0;
    if (prec < 0 && zero && !left) {
        int used = n + plen + (sign != 0);
        if (width > used)
            zeros = width - used;
    }
    int total = n + zeros + plen + (sign != 0);
    if (!left)
        for (int i = total; i < width; i++)
            put(o, ' ');
    if (sign)
        put(o, sign);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    for (int i = 0; i < zeros; i++)
        put(o, '0');
    while (n)
        put(o, digits[--n]);
    if (left)
        for (int i = total; i < width; i++)
            put(o, ' ');
}

static int vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    out_t o = { buf, cap, 0 };
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0, width = 0, prec = -1;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') zero = 1;
            else if (*p == '+') plus = 1;
            else if (*p == ' ') space = 1;
            else if (*p == '#') alt = 1;
            else break;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) { left = 1; width = -width; }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
        for (;; p++) {
            if (*p == 'l') lng = lng >= 1 ? 2 : 1;
            else if (*p == 'h') lng = lng <= -1 ? -2 : -1;
            else if (*p == 'z') lng = 3;
            else break;
        }
        switch (*p) {
        case 'd': case 'i': {
            int64_t v;
            if (lng >= 1) v = va_arg(ap, int64_t);
            else v = va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng == -2) v = (signed char)v;
            uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            emit_num(&o, u, v < 0, 10, 0, left, zero, plus, space, 0, width, prec);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            uint64_t v;
            if (lng >= 1) v = va_arg(ap, uint64_t);
            else v = va_arg(ap, unsigned);
            if (lng == -1) v = (unsigned short)v;
            if (lng == -2) v = (unsigned char)v;
            unsigned base = *p == 'o' ? 8 : *p == 'u' ? 10 : 16;
            emit_num(&o, v, 0, base, *p == 'X', left, zero, 0, 0, alt, width, prec);
            break;
        }
        case 'p': {
            uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
            emit_num(&o, v, 0, 16, 0, left, 0, 0, 0, 1, width, prec);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left) for (int i = 1; i < width; i++) put(&o, ' ');
            put(&o, c);
            if (left) for (int i = 1; i < width; i++) put(&o, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int n = 0;
            while (s[n] && (prec < 0 || n < prec)) n++;
            if (!left) for (int i = n; i < width; i++) put(&o, ' ');
            for (int i = 0; i < n; i++) put(&o, s[i]);
            if (left) for (int i = n; i < width; i++) put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '?');
            break;
        }
    }
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = 0;
    return (int)o.len;
}

static int format(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

static char buf[256];

static int strcmp_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void expect(const char *got, int n, const char *want)
{
    print_str("[");
    print_str(got);
    print_str("]\n");
    g_checks++;
    if (strlen(want) != (size_t)n || strcmp_eq(got, want) == 0) {
        print_str("FAIL: expected [");
        print_str(want);
        print_str("]\n");
        g_failures++;
    }
}

int main(void)
{
#define T(want, ...) do { int n_ = format(buf, sizeof buf, __VA_ARGS__); expect(buf, n_, want); } while (0)
    T("hello, world", "hello, %s", "world");
    T("42 -42 0", "%d %d %d", 42, -42, 0);
    T("-2147483648 2147483647", "%d %i", (int)0x80000000, 0x7fffffff);
    T("-9223372036854775808", "%ld", (long)0x8000000000000000ull);
    T("18446744073709551615", "%llu", 0xffffffffffffffffull);
    T("4294967295", "%u", 0xffffffffu);
    T("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    T("0x1f 0X1F 0 777 0777", "%#x %#X %#x %o %#o", 31, 31, 0, 0777, 0777);
    T("[   42] [42   ] [00042]", "[%5d] [%-5d] [%05d]", 42, 42, 42);
    T("[  -42] [-42  ] [-0042]", "[%5d] [%-5d] [%05d]", -42, -42, -42);
    T("+5 -5  5", "%+d %+d % d", 5, -5, 5);
    T("[  007] [007]", "[%5.3d] [%.3d]", 7, 7);
    T("[] [0]", "[%.0d] [%d]", 0, 0);
    T("[abc] [  abc] [abc  ] [ab]", "[%s] [%5s] [%-5s] [%.2s]", "abc", "abc", "abc", "abc");
    T("[x] [    x] [x    ]", "[%c] [%5c] [%-5c]", 'x', 'x', 'x');
    T("100%", "%d%%", 100);
    T("0x40080000", "%p", (void *)0x40080000);
    T("[    ff] [ff    ] [0000ff]", "[%*x] [%-*x] [%0*x]", 6, 255, 6, 255, 6, 255);
    T("[   1.5]", "[%*d.%d]", 4, 1, 5);
    T("-1 65535 255 -1", "%hd %hu %hhu %hhd", 0xffff, 0xffff, 0x1ff, 0xff);
    T("123456789012 1234567890123456789", "%zu %lld", (size_t)123456789012ull, 1234567890123456789ll);
    T("(null)", "%s", (const char *)0);
    T("a1b2c3d4e5f6g7h8i9j10", "a%db%dc%dd%de%df%dg%dh%di%dj%d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    T("1 2 3 4 5 6 7 8 9 10 11 12 -13 ffffffffffffffff", "%d %d %d %d %d %d %d %d %d %d %d %ld %lld %lx",
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12L, -13LL, 0xffffffffffffffffUL);
    /* truncation: the return value is the full length */
    int n = format(buf, 6, "%s", "truncated");
    CHECK_EQ("truncated length", n, 9);
    CHECK(strcmp_eq(buf, "trunc"), "truncated text");
    return test_finish("c_printf");
}
