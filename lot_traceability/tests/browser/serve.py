"""Serve a site for the browser tests on 127.0.0.1 only, through Frappe's own development server.

	env/bin/python serve.py <sites path> <site> <port>

Frappe's `serve` binds every interface; the browser tests need loopback only, so werkzeug's
`run_simple` is given 127.0.0.1 whatever it is asked."""

import sys

import werkzeug.serving


def main(sites_path: str, site: str, port: str) -> None:
	run_simple = werkzeug.serving.run_simple

	def loopback(_host, *args, **kwargs):
		return run_simple("127.0.0.1", *args, **kwargs)

	werkzeug.serving.run_simple = loopback
	import frappe.app

	frappe.app.serve(port=int(port), sites_path=sites_path, site=site, no_reload=True, no_threading=False)


if __name__ == "__main__":
	main(*sys.argv[1:4])
