// SPDX-License-Identifier: BSD-2-Clause
/* The driver side of a split virtqueue: see virtqueue.h. (being written) */
#include "normal/rpmsg/virtqueue.h"
