// SPDX-License-Identifier: BSD-2-Clause
/* The rpmsg bus over a vdev: see virtio_rpmsg.h. (being written) */
#include "normal/rpmsg/virtio_rpmsg.h"
