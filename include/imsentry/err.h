/*
 * err.h - error codes.  0 is success; failures are negative IMS_E* values.
 */
#ifndef IMSENTRY_ERR_H
#define IMSENTRY_ERR_H

enum ims_err {
    IMS_OK = 0,
    IMS_ENOMEM = -1,   /* allocation failed or a memory cap was hit */
    IMS_EINVAL = -2,   /* bad argument, bad config value */
    IMS_EIO = -3,      /* file or device error */
    IMS_EPARSE = -4,   /* malformed input (config, signature, capture file) */
    IMS_ELIMIT = -5,   /* a configured limit was reached */
    IMS_ENOTFOUND = -6 /* lookup found nothing */
};

/* Short English text for an error code; never NULL. */
const char *ims_strerror(int err);

#endif
