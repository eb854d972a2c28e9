"""Who may use a space, kept in two places that must agree: the space's grants
(``<root>/.phototerm/access.toml``, read by ``roles``) and the file permissions that let each
person's own processes do what their role allows.

- ``role``: the roles, none < view < download < upload < manage;
- ``grants``: access.toml, read and written;
- ``acl``: POSIX ACLs through their ``system.posix_acl_*`` attributes, and who may do what to
  a file (mode bits and ACL together);
- ``admin``: ``access enable``, ``grant``, ``revoke``, which change the file permissions with
  the grants;
- ``check``: where the permissions and the grants disagree.
"""
