/* anchors.c - a zones directory (its *.zone files and their apexes) and the
 * trust anchor files validation starts from (RFC 4035 §4.3). */
#define _GNU_SOURCE /* asprintf */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

/* The trust anchors of a zones directory (rsip_ctx_set_zones()). */
#define ZONES_ANCHOR_FILE "trust-anchors"
#define MAX_ANCHOR_RRS 1024 /* records read from one trust anchor file */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Read one zone file with ldns: it must parse and hold an SOA, whose owner
 * names the zone.  *apex is malloc'd. */
static rsip_status zone_file_apex(rsip_ctx *ctx, const char *path, char **apex)
{
	FILE *fp = fopen(path, "r");
	ldns_zone *zone = NULL;
	ldns_status st;
	int line = 0;
	ldns_rr *soa;

	if (fp == NULL) {
		ctx_errmsg(ctx, "%s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	st = ldns_zone_new_frm_fp_l(&zone, fp, NULL, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(fp);
	if (st != LDNS_STATUS_OK) {
		ctx_errmsg(ctx, "%s: line %d: %s", path, line, ldns_get_errorstr_by_id(st));
		return RSIP_E_CONFIG;
	}
	soa = ldns_zone_soa(zone);
	if (soa == NULL) {
		ldns_zone_deep_free(zone);
		ctx_errmsg(ctx, "%s: no SOA record: a zone file must start with its SOA", path);
		return RSIP_E_CONFIG;
	}
	*apex = ldns_rdf2str(ldns_rr_owner(soa));
	ldns_zone_deep_free(zone);
	if (*apex == NULL)
		return RSIP_E_NOMEM;
	rsip_strlower(*apex);
	return RSIP_OK;
}

static rsip_status anchor_file_add(rsip_ctx *ctx, const char *path);

/* The anchors of a zones directory: DIR/trust-anchors, when it exists. */
static rsip_status zones_dir_anchors(rsip_ctx *ctx, const char *dir)
{
	char *path;
	rsip_status st = RSIP_OK;
	if (asprintf(&path, "%s/%s", dir, ZONES_ANCHOR_FILE) < 0)
		return RSIP_E_NOMEM;
	if (access(path, F_OK) == 0)
		st = anchor_file_add(ctx, path);
	free(path);
	return st;
}

rsip_status rsip_ctx_set_zones(rsip_ctx *ctx, const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct rsip_vec names = {0};
	rsip_status st;
	char *real;

	if (ctx == NULL || dir == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, true, DNS_MODE_ZONES)) != RSIP_OK)
		return st;
	if (ctx->zone_files.n > 0) {
		ctx_errmsg(ctx, "a zones directory is already set");
		return RSIP_E_CONFIG;
	}
	if (ctx->hosts_choice == HOSTS_SYSTEM || ctx->hosts_choice == HOSTS_FILE) {
		ctx_errmsg(ctx, "zones mode answers from its zones only: a hosts file is "
			   "already set");
		return RSIP_E_CONFIG;
	}
	real = realpath(dir, NULL);
	if (real == NULL || (d = opendir(real)) == NULL) {
		ctx_errmsg(ctx, "zones directory %s: %s", dir, strerror(errno));
		free(real);
		return RSIP_E_CONFIG;
	}
	while ((de = readdir(d)) != NULL) {
		char *name;
		/* Zone files are the *.zone files; anchors and notes may sit beside. */
		if (de->d_name[0] == '.' || !ends_with(de->d_name, ".zone"))
			continue;
		if (asprintf(&name, "%s/%s", real, de->d_name) < 0 ||
		    rsip_vec_push(&names, name) != 0) {
			closedir(d);
			free(real);
			rsip_vec_clear(&names, free);
			return RSIP_E_NOMEM;
		}
	}
	closedir(d);
	if (names.n == 0) {
		ctx_errmsg(ctx, "zones directory %s holds no *.zone file", dir);
		free(real);
		return RSIP_E_CONFIG;
	}
	qsort(names.items, names.n, sizeof(void *), cmp_str);
	st = RSIP_OK;
	for (size_t i = 0; i < names.n && st == RSIP_OK; i++) {
		char *apex = NULL;
		st = zone_file_apex(ctx, names.items[i], &apex);
		if (st != RSIP_OK)
			break;
		for (size_t j = 0; j < ctx->zone_names.n; j++) {
			if (strcmp(ctx->zone_names.items[j], apex) == 0) {
				ctx_errmsg(ctx, "%s and %s both hold zone %s",
					   (char *)ctx->zone_files.items[j],
					   (char *)names.items[i], apex);
				st = RSIP_E_CONFIG;
			}
		}
		if (st == RSIP_OK && rsip_vec_push(&ctx->zone_names, apex) != 0)
			st = RSIP_E_NOMEM;
		else if (st != RSIP_OK)
			free(apex);
		if (st == RSIP_OK) {
			if (rsip_vec_push(&ctx->zone_files, names.items[i]) != 0)
				st = RSIP_E_NOMEM;
			else
				names.items[i] = NULL;
		}
	}
	rsip_vec_clear(&names, free);
	if (st == RSIP_OK)
		st = zones_dir_anchors(ctx, real);
	free(real);
	if (st != RSIP_OK) {
		rsip_vec_clear(&ctx->zone_names, free);
		rsip_vec_clear(&ctx->zone_files, free);
		return st;
	}
	ctx->mode = DNS_MODE_ZONES;
	ctx->mode_set = true;
	return RSIP_OK;
}

/* Read a trust anchor file with ldns (the zone-file syntax libunbound reads
 * with ub_ctx_add_ta_file(): $ORIGIN, $TTL, comments): every record must be
 * a DS or a DNSKEY of class IN (RFC 4035 §4.3: the anchors validation starts
 * from).  Their owners go to ctx->ta_names, the file to ctx->ta_files. */
static rsip_status anchor_file_add(rsip_ctx *ctx, const char *path)
{
	FILE *fp;
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 0;
	size_t count = 0, names_before = ctx->ta_names.n;
	rsip_status st = RSIP_OK;
	char *copy;

	fp = fopen(path, "r");
	if (fp == NULL) {
		ctx_errmsg(ctx, "trust anchor file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	while (st == RSIP_OK && !feof(fp)) {
		ldns_rr *rr = NULL;
		ldns_status ls = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		char *owner;
		bool seen = false;
		if (ls == LDNS_STATUS_SYNTAX_EMPTY || ls == LDNS_STATUS_SYNTAX_TTL ||
		    ls == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (ls == LDNS_STATUS_SYNTAX_INCLUDE) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: $INCLUDE is not "
				   "supported", path, line);
			st = RSIP_E_CONFIG;
			break;
		}
		if (ls != LDNS_STATUS_OK) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: %s", path, line,
				   ldns_get_errorstr_by_id(ls));
			st = RSIP_E_CONFIG;
			break;
		}
		if ((ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS &&
		     ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY) ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: a trust anchor is a DS "
				   "or DNSKEY record of class IN", path, line);
			ldns_rr_free(rr);
			st = RSIP_E_CONFIG;
			break;
		}
		if (++count > MAX_ANCHOR_RRS) {
			ctx_errmsg(ctx, "trust anchor file %s: more than %d records", path,
				   MAX_ANCHOR_RRS);
			ldns_rr_free(rr);
			st = RSIP_E_CONFIG;
			break;
		}
		owner = ldns_rdf2str(ldns_rr_owner(rr));
		ldns_rr_free(rr);
		if (owner == NULL) {
			st = RSIP_E_NOMEM;
			break;
		}
		rsip_strlower(owner);
		for (size_t i = 0; i < ctx->ta_names.n && !seen; i++)
			seen = strcmp(ctx->ta_names.items[i], owner) == 0;
		if (seen)
			free(owner);
		else if (rsip_vec_push(&ctx->ta_names, owner) != 0) {
			free(owner);
			st = RSIP_E_NOMEM;
		}
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	if (st == RSIP_OK && count == 0) {
		ctx_errmsg(ctx, "trust anchor file %s holds no DS or DNSKEY record", path);
		st = RSIP_E_CONFIG;
	}
	if (st == RSIP_OK) {
		copy = realpath(path, NULL);
		if (copy == NULL || rsip_vec_push(&ctx->ta_files, copy) != 0) {
			free(copy);
			st = RSIP_E_NOMEM;
		}
	}
	if (st != RSIP_OK) {
		while (ctx->ta_names.n > names_before)
			free(ctx->ta_names.items[--ctx->ta_names.n]);
	}
	return st;
}

rsip_status rsip_ctx_add_trust_anchor_file(rsip_ctx *ctx, const char *path)
{
	rsip_status st;
	if (ctx == NULL || path == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (access(path, R_OK) != 0) {
		ctx_errmsg(ctx, "trust anchor file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	return anchor_file_add(ctx, path);
}
