#ifndef GIT_EVIDENCE_CLIBMARIADB_SHIM_H
#define GIT_EVIDENCE_CLIBMARIADB_SHIM_H

// libmariadb, the MariaDB Connector/C: reads migration ledgers from MySQL and MariaDB servers, as libpq does
// from PostgreSQL. Its API is plain functions; nothing needs wrapping.
#include <mysql.h>

#endif
