/*
 * UDP (RFC 768, RFC 1122 §4.1).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   source port
 *   2     2   destination port
 *   4     2   length of header + data (8..65535)
 *   6     2   checksum over the pseudo-header (source, destination,
 *             zero, protocol 17, UDP length) and the datagram; 0 means
 *             the sender computed none, a computed 0 is sent as 0xffff
 *
 * Demultiplexing picks the most specific PCB for the destination port: a
 * connected PCB whose remote end matches beats one bound to the address,
 * which beats a wildcard. A datagram no PCB wants is answered with port
 * unreachable unless it was a broadcast (RFC 1122 §4.1.3.1).
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/icmp.h>
#include <kestrel/wire/udp.h>

#include "net_internal.h"

struct udp_pcb *udp_new(struct net_stack *st)
{
	for (int i = 0; i < CONFIG_NET_UDP_PCBS; i++) {
		struct udp_pcb *pcb = &st->udp[i];
		if (!pcb->used) {
			memset(pcb, 0, sizeof(*pcb));
			pcb->used = true;
			pcb->st = st;
			return pcb;
		}
	}
	return NULL;
}

void udp_remove(struct udp_pcb *pcb)
{
	memset(pcb, 0, sizeof(*pcb));
}

static bool port_in_use(const struct net_stack *st, const struct udp_pcb *self, uint32_t ip,
			uint16_t port)
{
	for (int i = 0; i < CONFIG_NET_UDP_PCBS; i++) {
		const struct udp_pcb *o = &st->udp[i];
		if (o->used && o != self && o->local_port == port &&
		    (o->local_ip == 0 || ip == 0 || o->local_ip == ip)) {
			return true;
		}
	}
	return false;
}

int udp_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
	struct net_stack *st = pcb->st;

	if (port == 0) {
		for (unsigned n = 0; n < UDP_EPHEMERAL_HI - UDP_EPHEMERAL_LO + 1u; n++) {
			uint16_t cand = st->next_port;
			st->next_port =
				cand == UDP_EPHEMERAL_HI ? UDP_EPHEMERAL_LO : (uint16_t)(cand + 1u);
			if (!port_in_use(st, pcb, ip, cand)) {
				port = cand;
				break;
			}
		}
		if (port == 0) {
			return -EADDRINUSE;
		}
	} else if (port_in_use(st, pcb, ip, port)) {
		return -EADDRINUSE;
	}
	pcb->local_ip = ip;
	pcb->local_port = port;
	return 0;
}

void udp_bind_netif(struct udp_pcb *pcb, struct netif *nif)
{
	pcb->nif = nif;
}

int udp_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
	if (pcb->local_port == 0) {
		int rc = udp_bind(pcb, pcb->local_ip, 0);
		if (rc < 0) {
			return rc;
		}
	}
	pcb->remote_ip = ip;
	pcb->remote_port = port;
	pcb->connected = true;
	return 0;
}

void udp_disconnect(struct udp_pcb *pcb)
{
	pcb->remote_ip = 0;
	pcb->remote_port = 0;
	pcb->connected = false;
}

void udp_recv(struct udp_pcb *pcb, udp_recv_fn fn, void *ctx)
{
	pcb->recv = fn;
	pcb->ctx = ctx;
}

static struct udp_pcb *demux(struct net_stack *st, const struct ip_info *ip, uint16_t sport,
			     uint16_t dport)
{
	struct udp_pcb *best = NULL;
	int best_score = 0;

	for (int i = 0; i < CONFIG_NET_UDP_PCBS; i++) {
		struct udp_pcb *pcb = &st->udp[i];
		int score = 1;
		if (!pcb->used || pcb->local_port != dport ||
		    (pcb->nif != NULL && pcb->nif != ip->inif)) {
			continue;
		}
		if (pcb->local_ip != 0) {
			if (pcb->local_ip != ip->dst && !ip->bcast) {
				continue;
			}
			score = 2;
		}
		if (pcb->connected) {
			if (pcb->remote_ip != ip->src || pcb->remote_port != sport) {
				continue;
			}
			score += 2;
		}
		if (score > best_score) {
			best = pcb;
			best_score = score;
		}
	}
	return best;
}

void udp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	const uint8_t *h = (const uint8_t *)pbuf_contig(p, UDP_HLEN);
	uint16_t sport, dport, ulen;
	struct udp_pcb *pcb;

	if (h == NULL) {
		goto drop;
	}
	sport = get_be16(h);
	dport = get_be16(h + 2);
	ulen = get_be16(h + 4);
	if (ulen < UDP_HLEN || ulen > p->tot_len) {
		goto drop;
	}
	pbuf_trim(p, ulen);
	if (get_be16(h + 6) != 0 && !(CONFIG_TCP_OFFLOAD && (p->flags & PBUF_F_CSUM_OK)) &&
	    ip_chksum_pseudo(p, ip->src, ip->dst, IP_PROTO_UDP) != 0) {
		st->stats.udp_csum_err++;
		goto drop;
	}
	pcb = demux(st, ip, sport, dport);
	if (pcb == NULL || pcb->recv == NULL) {
		st->stats.udp_noport++;
		(void)icmp_dest_unreach(st, p, ip, ICMP_UNREACH_PORT);
		goto drop;
	}
	st->stats.udp_rx++;
	pcb->rx++;
	(void)pbuf_pull(p, UDP_HLEN);
	pcb->recv(pcb->ctx, pcb, p, ip, sport);
	return;
drop:
	pbuf_free(p);
}

int udp_sendto(struct udp_pcb *pcb, struct pbuf *p, uint32_t dst, uint16_t port)
{
	struct net_stack *st = pcb->st;
	struct netif *nif = pcb->nif;
	uint32_t src = 0;
	uint16_t sum;
	uint8_t *h;
	int rc;

	if (pcb->local_port == 0 && (rc = udp_bind(pcb, pcb->local_ip, 0)) < 0) {
		goto fail;
	}
	if (nif == NULL) {
		nif = ip_route(st, dst, &src, NULL);
		if (nif == NULL) {
			rc = -EHOSTUNREACH;
			goto fail;
		}
	} else {
		src = nif->ip;
	}
	if (pcb->local_ip != 0) {
		src = pcb->local_ip;
	}
	if (pbuf_push(p, UDP_HLEN) < 0) {
		struct pbuf *hp = pbuf_alloc(&st->pool, PBUF_IP, UDP_HLEN);
		if (hp == NULL || pbuf_cat(hp, p) < 0) {
			pbuf_free(hp);
			rc = hp == NULL ? -ENOMEM : -EMSGSIZE;
			goto fail;
		}
		p = hp;
	}
	h = (uint8_t *)p->payload;
	put_be16(h, pcb->local_port);
	put_be16(h + 2, port);
	put_be16(h + 4, p->tot_len);
	put_be16(h + 6, 0);
	sum = ip_chksum_pseudo(p, src, dst, IP_PROTO_UDP);
	put_be16(h + 6, sum == 0 ? 0xffffu : sum);
	st->stats.udp_tx++;
	pcb->tx++;
	return ip_output_if(st, p, src, dst, IP_PROTO_UDP, pcb->ttl, pcb->tos, nif);
fail:
	pbuf_free(p);
	return rc;
}

int udp_send(struct udp_pcb *pcb, struct pbuf *p)
{
	if (!pcb->connected) {
		pbuf_free(p);
		return -ENOTCONN;
	}
	return udp_sendto(pcb, p, pcb->remote_ip, pcb->remote_port);
}

unsigned udp_table(const struct net_stack *st, struct udp_info *out, unsigned n)
{
	unsigned k = 0;

	for (int i = 0; i < CONFIG_NET_UDP_PCBS && k < n; i++) {
		const struct udp_pcb *pcb = &st->udp[i];
		if (!pcb->used) {
			continue;
		}
		out[k].local_ip = pcb->local_ip;
		out[k].local_port = pcb->local_port;
		out[k].remote_ip = pcb->remote_ip;
		out[k].remote_port = pcb->remote_port;
		out[k].rx = pcb->rx;
		out[k].tx = pcb->tx;
		k++;
	}
	return k;
}
