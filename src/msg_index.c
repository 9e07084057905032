/*
 * msg_index.c - the message table's dispatch index, as constant data.
 *
 * The index is generated at build time by src/tools/gen_msg_index.c from
 * the table in messages.c (see there for why): engines point at it
 * instead of each building their own copy.
 */
#include "messages.h"

#include "msg_index_data.h"

const msg_index *msg_index_get(void)
{
    return &MSG_INDEX;
}
