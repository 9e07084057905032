/*
 * main.c - the ipsec-diag executable: a thin adapter over libipsecdiag.
 *
 *   ipsec-diag diagnose [--format json|text|markdown] [FILE...|-]
 *   ipsec-diag serve [options]          (the HTTP service, src/server/)
 *   ipsec-diag classes                  (the failure class catalogue)
 *   ipsec-diag version
 *
 * All I/O is here and in src/server/; the library only sees bytes.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecdiag/ipsecdiag.h"
#include "server/server.h"

/* Exit statuses a script can act on. */
enum {
    EXIT_NO_FAILURE = 0,   /* established, or nothing concluded */
    EXIT_FAILURE_FOUND = 1,/* at least one error-severity diagnosis */
    EXIT_USAGE = 2,
    EXIT_IO = 3
};

static void usage(FILE *out)
{
    fputs("usage: ipsec-diag <command> [options]\n"
          "\n"
          "commands:\n"
          "  diagnose [--format json|text|markdown] [--max-line BYTES] [FILE...|-]\n"
          "      Read strongSwan (charon) logs and print the diagnosis. Several\n"
          "      files (e.g. both ends of one tunnel) are diagnosed together.\n"
          "      Exit status: 0 no failure found, 1 failure found, 2 usage, 3 I/O error.\n"
          "  serve [--listen ADDR:PORT] [--workers N] ...   (see 'ipsec-diag serve --help')\n"
          "  classes    list the failure classes\n"
          "  version    print the version\n",
          out);
}

static void collect(void *user, const idg_diagnosis *d)
{
    idg_report_add(user, d);
}

/*
 * The report's cold storage (idg_report_set_cold_store): an unlinked
 * temporary file in $TMPDIR (or /tmp). A log of thousands of distinct
 * failures then keeps their evidence and advice texts on disk until they
 * are printed, and the CLI's memory stays bounded whatever the log's size.
 * Without a usable temporary directory the report keeps them in memory.
 *
 * Buffered both ways: the report stores one record per diagnosis it keeps
 * (~700 bytes) and reads them back one at a time as it renders, nearly in
 * the order written. A system call for each was ~10% of the CLI's time on
 * a 10 MiB log (1,000 pwrite and 1,000 pread); records gather in a write
 * buffer that goes out when full, and reads are served from a window read
 * ahead of them.
 */
#define COLD_BUF (1 << 15)

typedef struct cold_file {
    int fd;
    int broken;       /* a write failed: wbuf keeps what it holds, nothing more is taken */
    uint64_t flushed; /* bytes on disk; the wlen bytes of wbuf follow them */
    size_t wlen;
    uint64_t rat;     /* what rbuf holds: rlen bytes from rat */
    size_t rlen;
    char wbuf[COLD_BUF];
    char rbuf[COLD_BUF];
} cold_file;

static int pwrite_all(int fd, const char *p, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* Up to len bytes at at (fewer at the end of the file); -1 on error. */
static ssize_t pread_some(int fd, char *p, size_t len, uint64_t at)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, p + got, len - got, (off_t)(at + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Writes the buffer out. When that fails (a full disk) the records in it
 * stay there to be read back, and the store takes no more: the report
 * keeps the diagnoses that follow whole in memory (idg_cold_store). */
static int cold_flush(cold_file *f)
{
    if (f->broken)
        return -1;
    if (f->wlen == 0)
        return 0;
    if (pwrite_all(f->fd, f->wbuf, f->wlen, f->flushed) != 0) {
        f->broken = 1;
        return -1;
    }
    f->flushed += f->wlen;
    f->wlen = 0;
    return 0;
}

static int cold_write(void *user, const void *data, size_t len, uint64_t *at)
{
    cold_file *f = user;
    if (f->broken || (f->wlen + len > COLD_BUF && cold_flush(f) != 0))
        return -1;
    if (len > COLD_BUF) { /* a record larger than the buffer goes out at once */
        if (pwrite_all(f->fd, data, len, f->flushed) != 0)
            return -1; /* (overwritten by the next one) */
        *at = f->flushed;
        f->flushed += len;
        return 0;
    }
    memcpy(f->wbuf + f->wlen, data, len);
    *at = f->flushed + f->wlen;
    f->wlen += len;
    return 0;
}

static int cold_read(void *user, uint64_t at, void *data, size_t len)
{
    cold_file *f = user;
    if (at >= f->flushed) { /* still in the write buffer */
        if (at - f->flushed > f->wlen || len > f->wlen - (at - f->flushed))
            return -1;
        memcpy(data, f->wbuf + (at - f->flushed), len);
        return 0;
    }
    if (len > f->flushed - at) /* (a record is never split between file and buffer) */
        return -1;
    if (at >= f->rat && len <= f->rlen && at - f->rat <= f->rlen - len) {
        memcpy(data, f->rbuf + (at - f->rat), len);
        return 0;
    }
    if (len > COLD_BUF) /* larger than the window: straight in */
        return pread_some(f->fd, data, len, at) == (ssize_t)len ? 0 : -1;
    /* the window from here on: the report reads its records nearly in the
     * order they were written */
    size_t want = f->flushed - at < COLD_BUF ? (size_t)(f->flushed - at) : COLD_BUF;
    ssize_t n = pread_some(f->fd, f->rbuf, want, at);
    if (n < (ssize_t)len) {
        f->rlen = 0;
        return -1;
    }
    f->rat = at;
    f->rlen = (size_t)n;
    memcpy(data, f->rbuf, len);
    return 0;
}

/* Opens the file; -1 when no temporary directory takes one. */
static int cold_open(cold_file *f)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    f->broken = 0;
    f->flushed = f->rat = 0;
    f->wlen = f->rlen = 0;
#ifdef O_TMPFILE
    f->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (f->fd >= 0)
        return 0;
#endif
    char path[4096];
    if (snprintf(path, sizeof path, "%s/ipsec-diag-XXXXXX", dir) >= (int)sizeof path)
        return -1;
    f->fd = mkstemp(path);
    if (f->fd < 0)
        return -1;
    unlink(path);
    fcntl(f->fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Feeds one file (or stdin for "-") into a new engine as a report source. */
static int diagnose_file(idg_report *r, const char *path, const idg_options *opts)
{
    static char buf[1 << 16];
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    idg_engine *e;
    ssize_t n;
    int rc = 0;
    if (fd < 0) {
        fprintf(stderr, "ipsec-diag: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (idg_report_begin_source(r, strcmp(path, "-") == 0 ? "stdin" : path) < 0 ||
        (e = idg_engine_new(opts, collect, r)) == NULL) {
        fprintf(stderr, "ipsec-diag: out of memory\n");
        if (fd != STDIN_FILENO)
            close(fd);
        return -1;
    }
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "ipsec-diag: %s: %s\n", path, strerror(errno));
            rc = -1;
            break;
        }
        if (idg_engine_feed(e, buf, (size_t)n) < 0) {
            fprintf(stderr, "ipsec-diag: out of memory\n");
            rc = -1;
            break;
        }
    }
    if (rc == 0 && idg_engine_finish(e) < 0)
        rc = -1;
    idg_report_set_stats(r, idg_engine_stats(e));
    idg_engine_free(e);
#ifdef __GLIBC__
    /* The engine's many small blocks were interleaved with the report's
     * kept diagnoses, so glibc cannot shrink the heap by itself: give the
     * freed pages back before rendering. (A process-wide call: it belongs
     * here, not in the library, whose callers may be servers.) */
    malloc_trim(0);
#endif
    if (fd != STDIN_FILENO)
        close(fd);
    return rc;
}

/* idg_write_cb onto stdout; remembers the last byte written. */
static int write_stdout(void *user, const char *data, size_t len)
{
    if (len == 0)
        return 0;
    if (fwrite(data, 1, len, stdout) != len)
        return -1;
    *(char *)user = data[len - 1];
    return 0;
}

static int cmd_diagnose(int argc, char **argv)
{
    idg_format fmt = IDG_FORMAT_JSON;
    idg_options opts;
    idg_report *r;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t nfiles = 0;
    int status = EXIT_NO_FAILURE;
    char last;

    idg_options_init(&opts);
    if (files == NULL)
        return EXIT_IO;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
            if (i + 1 >= argc || idg_format_parse(argv[++i], &fmt) < 0) {
                fprintf(stderr, "ipsec-diag: --format takes json, text or markdown\n");
                free(files);
                return EXIT_USAGE;
            }
        } else if (strncmp(a, "--format=", 9) == 0) {
            if (idg_format_parse(a + 9, &fmt) < 0) {
                fprintf(stderr, "ipsec-diag: --format takes json, text or markdown\n");
                free(files);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--max-line") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v < 256 || v > (1ull << 30)) {
                fprintf(stderr, "ipsec-diag: --max-line takes 256..1073741824\n");
                free(files);
                return EXIT_USAGE;
            }
            opts.max_line_bytes = (size_t)v;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(files);
            return EXIT_NO_FAILURE;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "ipsec-diag: unknown option %s\n", a);
            usage(stderr);
            free(files);
            return EXIT_USAGE;
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0)
        files[nfiles++] = "-";

    r = idg_report_new();
    if (r == NULL) {
        free(files);
        return EXIT_IO;
    }
    /* (static: its two buffers are 64 KiB) */
    static cold_file cold;
    if (cold_open(&cold) == 0) {
        idg_cold_store store = {cold_write, cold_read, &cold};
        if (idg_report_set_cold_store(r, &store) != 0) {
            close(cold.fd);
            cold.fd = -1;
        }
    } else {
        cold.fd = -1;
    }
    for (size_t i = 0; i < nfiles; i++)
        if (diagnose_file(r, files[i], &opts) < 0)
            status = EXIT_IO;
    free(files);
    if (status != EXIT_IO) {
        idg_report_correlate(r);
        /* Streamed out as it is rendered: a large report never sits in memory. */
        last = '\n';
        if (idg_report_write(r, fmt, write_stdout, &last) != 0) {
            fprintf(stderr, "ipsec-diag: cannot write the report: %s\n",
                    ferror(stdout) ? strerror(errno)
                                   : "out of memory, or its temporary file could not be read back");
            status = EXIT_IO;
        } else {
            if (last != '\n')
                fputc('\n', stdout);
            if (idg_report_errors(r) > 0)
                status = EXIT_FAILURE_FOUND;
        }
    }
    idg_report_free(r);
    if (cold.fd >= 0)
        close(cold.fd);
    if (fflush(stdout) != 0)
        return EXIT_IO;
    return status;
}

static int cmd_classes(void)
{
    for (int c = 0; c < IDG_CLASS__COUNT; c++) {
        const idg_class_info *ci = idg_class_get((idg_class)c);
        printf("%-32s phase %d  %-7s  %s\n", ci->name, ci->phase,
               idg_severity_name(ci->severity), ci->title);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "diagnose") == 0)
        return cmd_diagnose(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") == 0)
        return serve_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "classes") == 0)
        return cmd_classes();
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("ipsec-diag %s\n", IDG_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "ipsec-diag: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
