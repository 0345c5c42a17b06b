#ifndef GIT_EVIDENCE_CLIBPQ_SHIM_H
#define GIT_EVIDENCE_CLIBPQ_SHIM_H

// libpq, PostgreSQL's client library: reads migration ledgers (drizzle.__drizzle_migrations,
// _prisma_migrations, flyway_schema_history) straight from the database they describe.
// Its API is plain functions; nothing needs wrapping.
#include <libpq-fe.h>

#endif
