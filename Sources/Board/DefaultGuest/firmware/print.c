/* EL3's console: the PL011 UART of the virt board (polled). */
#include "print.h"

#define UART_DR   0x09000000ull
#define UART_FR   0x09000018ull
#define FR_TXFF   (1u << 5)

static void put_char(char c)
{
    while (*(volatile uint32_t *)UART_FR & FR_TXFF) { }
    *(volatile uint8_t *)UART_DR = (uint8_t)c;
}

static void put_str(const char *s)
{
    while (*s) put_char(*s++);
}

static void put_hex(uint64_t v, int digits)
{
    put_str("0x");
    if (digits == 0) {
        digits = 1;
        while (digits < 16 && (v >> (4 * digits)) != 0) digits++;
    }
    for (int i = digits - 1; i >= 0; i--) put_char("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

static void put_dec(uint64_t v)
{
    char buf[20];
    int n = 0;
    do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0);
    while (n > 0) put_char(buf[--n]);
}

void pr(const char *fmt, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%' || p[1] == 0) { put_char(*p); continue; }
        switch (*++p) {
        case 's': put_str(__builtin_va_arg(ap, const char *)); break;
        case 'c': put_char((char)__builtin_va_arg(ap, uint64_t)); break;
        case 'd': put_dec(__builtin_va_arg(ap, uint64_t)); break;
        case 'x': put_hex(__builtin_va_arg(ap, uint64_t), 0); break;
        case 'X': put_hex(__builtin_va_arg(ap, uint64_t), 16); break;
        default: put_char('%'); put_char(*p); break;
        }
    }
    __builtin_va_end(ap);
}
