#ifndef GIT_EVIDENCE_CLIBMARIADB_SHIM_H
#define GIT_EVIDENCE_CLIBMARIADB_SHIM_H

// libmariadb, the MariaDB Connector/C: reads migration ledgers from MySQL and MariaDB servers, as libpq does
// from PostgreSQL. Opened on first use (../CCurl/lazy_library.h).
#include <mariadb/mysql.h>
#include "../CCurl/lazy_library.h"

GIT_EVIDENCE_LIBRARY(git_evidence_mariadb_library, "libmariadb", "libmariadb.so.3")
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_close)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_errno)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_error)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_fetch_fields)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_fetch_lengths)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_fetch_row)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_free_result)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_init)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_num_fields)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_options)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_real_connect)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_real_query)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_set_character_set)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_store_result)
GIT_EVIDENCE_LAZY(git_evidence_mariadb_library, mysql_use_result)

#endif
