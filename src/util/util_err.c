/* util_err.c - text for IMS_E* error codes. */
#include "imsentry/err.h"

const char *ims_strerror(int err)
{
    switch (err) {
    case IMS_OK:
        return "success";
    case IMS_ENOMEM:
        return "out of memory";
    case IMS_EINVAL:
        return "invalid argument";
    case IMS_EIO:
        return "input/output error";
    case IMS_EPARSE:
        return "parse error";
    case IMS_ELIMIT:
        return "limit reached";
    case IMS_ENOTFOUND:
        return "not found";
    default:
        return "unknown error";
    }
}
