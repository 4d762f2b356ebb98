/*
 * detect_table.c - the detector table, generated from detectors.def: one
 * `extern const struct detector sym;` and one table entry per DETECTOR(sym)
 * line, in the file's order (the probe order among equal port hints).
 */
#include "detect/detector.h"

#include <stddef.h>

#define DETECTOR(sym) extern const struct detector sym;
#include "detect/detectors.def"
#undef DETECTOR

const struct detector *const detector_table[] = {
#define DETECTOR(sym) &sym,
#include "detect/detectors.def"
#undef DETECTOR
    NULL /* keeps an empty detectors.def valid C */
};

const unsigned detector_count = sizeof(detector_table) / sizeof(detector_table[0]) - 1;
