#!/usr/bin/env python3
"""A minimal SMTP sink for the integration tests (RFC 5321, Python 3 stdlib
only): EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP,
QUIT. It relays nothing: each accepted message is written to DIR as
NNNN.eml (the DATA bytes, unstuffed, CRLF line ends kept) with NNNN.json
beside it (the envelope: helo, mail_from, rcpt_to), both written to a
temporary name then renamed, so a reader never sees half a message.

Usage: smtp-sink.py DIR [--port N] [--mute]
Listens on 127.0.0.1 (port N, or a free one) and prints "port N" on stdout
once it accepts connections. With --mute it plays a relay that hangs: it
accepts connections, prints "connection" on stdout for each, and never
answers. Stops on SIGTERM or SIGINT."""

import json
import os
import signal
import socketserver
import sys
import threading

# RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF; we
# accept longer lines but cap a command line and the whole message.
MAX_COMMAND_LINE = 4096
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
HOST = '127.0.0.1'

lock = threading.Lock()
counter = [0]


def save(directory, envelope, data):
	with lock:
		counter[0] += 1
		n = counter[0]
	base = os.path.join(directory, '%04d' % n)
	for ext, content in (('.eml', data), ('.json', json.dumps(envelope).encode())):
		tmp = base + ext + '.tmp'
		with open(tmp, 'wb') as f:
			f.write(content)
		os.rename(tmp, base + ext)


def address(arg, keyword):
	"""The <path> after keyword ("FROM:" or "TO:"), or None."""
	if not arg.upper().startswith(keyword):
		return None
	rest = arg[len(keyword):].strip()
	if not rest.startswith('<') or '>' not in rest:
		return None
	return rest[1:rest.index('>')]


class Session(socketserver.StreamRequestHandler):
	timeout = 60

	def reply(self, text):
		self.wfile.write((text + '\r\n').encode())
		self.wfile.flush()

	def reset(self):
		self.mail_from = None
		self.rcpt_to = []

	def read_data(self):
		"""The message up to the lone dot, unstuffed; None if too large or cut."""
		lines = []
		size = 0
		while True:
			line = self.rfile.readline(MAX_MESSAGE_BYTES)
			if not line:
				return None
			if line in (b'.\r\n', b'.\n'):
				break
			if line.startswith(b'.'):
				line = line[1:]  # RFC 5321 4.5.2
			size += len(line)
			if size > MAX_MESSAGE_BYTES:
				return None
			lines.append(line)
		return b''.join(lines)

	def handle(self):
		if self.server.mute:
			print('connection', flush=True)
			try:
				while self.rfile.read(1):
					pass
			except OSError:  # our own timeout, or the client gave up
				pass
			return
		self.helo = None
		self.reset()
		self.reply('220 sink.localhost ESMTP test sink')
		while True:
			raw = self.rfile.readline(MAX_COMMAND_LINE)
			if not raw:
				return
			line = raw.decode('utf-8', 'replace').rstrip('\r\n')
			verb, _, arg = line.partition(' ')
			verb = verb.upper()
			if verb == 'EHLO':
				self.helo = arg
				self.reset()
				self.wfile.write(b'250-sink.localhost\r\n250-8BITMIME\r\n'
						 b'250-SMTPUTF8\r\n250 SIZE %d\r\n' % MAX_MESSAGE_BYTES)
				self.wfile.flush()
			elif verb == 'HELO':
				self.helo = arg
				self.reset()
				self.reply('250 sink.localhost')
			elif verb == 'MAIL':
				who = address(arg, 'FROM:')
				if self.helo is None:
					self.reply('503 5.5.1 EHLO first')
				elif who is None:
					self.reply('501 5.5.4 Syntax: MAIL FROM:<address>')
				else:
					self.reset()
					self.mail_from = who
					self.reply('250 2.1.0 OK')
			elif verb == 'RCPT':
				who = address(arg, 'TO:')
				if self.mail_from is None:
					self.reply('503 5.5.1 MAIL first')
				elif not who:
					self.reply('501 5.5.4 Syntax: RCPT TO:<address>')
				else:
					self.rcpt_to.append(who)
					self.reply('250 2.1.5 OK')
			elif verb == 'DATA':
				if not self.rcpt_to:
					self.reply('503 5.5.1 RCPT first')
					continue
				self.reply('354 End data with <CR><LF>.<CR><LF>')
				data = self.read_data()
				if data is None:
					self.reply('552 5.3.4 Message too big or cut')
					return
				save(self.server.directory,
				     {'helo': self.helo, 'mail_from': self.mail_from,
				      'rcpt_to': self.rcpt_to}, data)
				self.reset()
				self.reply('250 2.0.0 OK queued')
			elif verb == 'RSET':
				self.reset()
				self.reply('250 2.0.0 OK')
			elif verb == 'NOOP':
				self.reply('250 2.0.0 OK')
			elif verb == 'QUIT':
				self.reply('221 2.0.0 Bye')
				return
			else:
				self.reply('502 5.5.2 Command not implemented')


class Server(socketserver.ThreadingTCPServer):
	allow_reuse_address = True
	daemon_threads = True


def main():
	args = sys.argv[1:]
	port = 0
	mute = '--mute' in args
	if mute:
		args.remove('--mute')
	if len(args) == 3 and args[1] == '--port':
		port = int(args[2])
		args = args[:1]
	if len(args) != 1 or not os.path.isdir(args[0]):
		sys.exit(__doc__)
	server = Server((HOST, port), Session)
	server.directory = args[0]
	server.mute = mute

	def stop(signum, frame):
		# shutdown() waits for serve_forever(): call it from another thread
		threading.Thread(target=server.shutdown).start()

	signal.signal(signal.SIGTERM, stop)
	signal.signal(signal.SIGINT, stop)
	print('port %d' % server.server_address[1], flush=True)
	server.serve_forever()
	server.server_close()


if __name__ == '__main__':
	main()
