/*
 * The public API functions of libvirt 9.0.0's src/libvirt-domain.c whose
 * procedures' @acl asks only for read access but that refuse a read-only
 * connection, reduced to what remote/internal/gen reads: the function's
 * name and its unconditional virCheckReadOnlyGoto.
 */
int
virDomainSetSchedulerParameters(virDomainPtr domain,
                                virTypedParameterPtr params, int nparams)
{
    virCheckReadOnlyGoto(conn->flags, error);
}
