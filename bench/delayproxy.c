/* delayproxy.c - a UDP DNS proxy that holds every question for a fixed delay
 * before passing it on, so that a resolution's wall time counts its
 * sequential round trips (doc/PERFORMANCE.md).  Benchmark tool, loopback only.
 *
 *   delayproxy LISTEN-ADDR PORT UPSTREAM-ADDR UPSTREAM-PORT DELAY-MS SECONDS
 *
 * It stops by itself after SECONDS. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 65536

struct pending {
	int used;
	double send_at;            /* when the question leaves for upstream */
	struct sockaddr_in client;
	uint16_t client_id;
	size_t len;
	unsigned char buf[4096];
};

static struct pending slots[SLOTS];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bind_udp(const char *addr, int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("delayproxy: bind");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_in up;
	int lfd, ufd;
	double delay, stop;
	uint16_t next_id = 1;

	if (argc != 7) {
		fprintf(stderr, "usage: delayproxy LISTEN PORT UPSTREAM UPORT DELAY-MS SECONDS\n");
		return 2;
	}
	lfd = bind_udp(argv[1], atoi(argv[2]));
	ufd = bind_udp("127.0.0.1", 0);
	memset(&up, 0, sizeof(up));
	up.sin_family = AF_INET;
	up.sin_port = htons((uint16_t)atoi(argv[4]));
	inet_pton(AF_INET, argv[3], &up.sin_addr);
	delay = atof(argv[5]) / 1000.0;
	stop = now() + atof(argv[6]);

	while (now() < stop) {
		struct pollfd pfd[2] = {{lfd, POLLIN, 0}, {ufd, POLLIN, 0}};
		double t = now(), next = stop;
		int timeout;
		for (size_t i = 0; i < SLOTS; i++) {
			if (!slots[i].used || slots[i].send_at < 0)
				continue;
			if (slots[i].send_at <= t) {
				sendto(ufd, slots[i].buf, slots[i].len, 0, (struct sockaddr *)&up,
				       sizeof(up));
				slots[i].send_at = -1; /* sent: waits for the answer */
			} else if (slots[i].send_at < next) {
				next = slots[i].send_at;
			}
		}
		timeout = (int)((next - t) * 1000.0) + 1;
		if (timeout > 100)
			timeout = 100;
		if (poll(pfd, 2, timeout) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			struct pending *p;
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			unsigned char buf[4096];
			ssize_t n =
				recvfrom(lfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n >= 12) {
				uint16_t id = next_id++;
				if (next_id == 0)
					next_id = 1;
				p = &slots[id];
				p->used = 1;
				p->client = from;
				p->client_id = (uint16_t)(buf[0] << 8 | buf[1]);
				p->len = (size_t)n;
				memcpy(p->buf, buf, (size_t)n);
				p->buf[0] = (unsigned char)(id >> 8);
				p->buf[1] = (unsigned char)id;
				p->send_at = now() + delay;
			}
		}
		if (pfd[1].revents & POLLIN) {
			unsigned char buf[65536];
			ssize_t n = recv(ufd, buf, sizeof(buf), 0);
			if (n >= 12) {
				uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
				struct pending *p = &slots[id];
				if (p->used) {
					buf[0] = (unsigned char)(p->client_id >> 8);
					buf[1] = (unsigned char)p->client_id;
					sendto(lfd, buf, (size_t)n, 0,
					       (struct sockaddr *)&p->client, sizeof(p->client));
					p->used = 0;
				}
			}
		}
	}
	return 0;
}
