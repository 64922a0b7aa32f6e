# Varnish as a reverse proxy in front of the test server: the built-in VCL, but for the
# backend's first_byte_timeout and between_bytes_timeout (default 60s each).
vcl 4.1;
backend default {
    .host = "127.0.0.1";
    .port = "$upstream";
    .first_byte_timeout = $timeout;
    .between_bytes_timeout = $timeout;
}
backend refused {
    .host = "127.0.0.1";
    .port = "$dead";
}
sub vcl_recv {
    if (req.url ~ "^/refused/") {
        set req.backend_hint = refused;
    }
}
