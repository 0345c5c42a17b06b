#ifndef GIT_EVIDENCE_CLIBPQ_SHIM_H
#define GIT_EVIDENCE_CLIBPQ_SHIM_H

// libpq, PostgreSQL's client library: reads migration ledgers (drizzle.__drizzle_migrations,
// _prisma_migrations, flyway_schema_history) straight from the database they describe. Opened on first use
// (../CCurl/lazy_library.h).
#include <postgresql/libpq-fe.h>
#include "../CCurl/lazy_library.h"

GIT_EVIDENCE_LIBRARY(git_evidence_pq_library, "libpq", "libpq.so.5")
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQclear)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQconnectdb)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQdb)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQerrorMessage)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQexec)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQfinish)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQfreemem)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQgetCopyData)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQgetResult)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQresultStatus)
GIT_EVIDENCE_LAZY(git_evidence_pq_library, PQstatus)

#endif
